/**
 * A Python module's answer, as Ansible reads it: the JSON object it prints
 * on stdout (lines before and after it ignored), `failed` when it says so
 * or when it reports a non-zero `rc`; output that holds no JSON is a
 * "MODULE FAILURE" carrying what the module printed.
 */
export interface ModuleOutput {
  stdout: string;
  stderr: string;
  rc: number;
}

/** The JSON object in a module's stdout, with any noise before and after left out. */
export function jsonIn(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.split('\n');
  const first = lines.findIndex((l) => l.trimStart().startsWith('{'));
  if (first < 0) return undefined;
  let last = lines.length - 1;
  while (last >= first && !(lines[last] ?? '').trimEnd().endsWith('}')) last--;
  try {
    const value: unknown = JSON.parse(lines.slice(first, last + 1).join('\n'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function moduleResult(out: ModuleOutput): Record<string, unknown> {
  const parsed = jsonIn(out.stdout);
  if (!parsed) {
    return {
      failed: true,
      changed: false,
      msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error',
      module_stdout: out.stdout,
      module_stderr: out.stderr,
      rc: out.rc,
    };
  }
  const { invocation: _invocation, ...result } = parsed;
  result.changed = result.changed === true;
  // rc is how older modules say they failed; Ansible reads it when `failed` is missing
  if (result.failed === undefined) result.failed = 'rc' in result && result.rc !== 0 && result.rc !== '0' && result.rc !== null;
  result.failed = result.failed === true;
  return result;
}
