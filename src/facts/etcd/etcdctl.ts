/**
 * What every etcd module shares: the TLS/endpoint arguments, the etcdctl
 * (v3 API) command line, and reading its JSON, whose uint64 member ids do
 * not fit in a JavaScript number.
 */
import { sh } from '../../shell/quote.js';

export interface EtcdctlArgs {
  endpoints: string[];
  cacert?: string;
  cert?: string;
  key?: string;
  etcdctl: string;
  timeout: number;
  /** the host's `bin_dir` variable, searched for etcdctl after PATH */
  binDir?: string | undefined;
}

export const DEFAULT_ENDPOINT = 'https://127.0.0.1:2379';

/** Where kubeasz and the release tarball put etcdctl, searched after PATH. */
export const ETCDCTL_DIRS = ['/opt/kube/bin', '/usr/local/bin'];


/** `ETCDCTL_API=3 etcdctl --endpoints=... --cacert=... <words>`, every value quoted. */
export function etcdctlCommand(a: EtcdctlArgs, words: readonly string[], endpoints = a.endpoints): string {
  const dirs = [...(a.binDir?.startsWith('/') ? [a.binDir] : []), ...ETCDCTL_DIRS].join(':');
  return `ETCDCTL_API=3 PATH="$PATH":${sh`${dirs}`} ` + sh`${a.etcdctl} ${etcdctlFlags(a, endpoints, a.timeout)} ${[...words]}`;
}

/** etcdctl's connection flags: endpoints, both timeouts (seconds), and the TLS files given. */
export function etcdctlFlags(
  a: { cacert?: string | undefined; cert?: string | undefined; key?: string | undefined },
  endpoints: readonly string[],
  timeout: number,
): string[] {
  const flags = [`--endpoints=${endpoints.join(',')}`, `--dial-timeout=${timeout}s`, `--command-timeout=${timeout}s`];
  if (a.cacert) flags.push(`--cacert=${a.cacert}`);
  if (a.cert) flags.push(`--cert=${a.cert}`);
  if (a.key) flags.push(`--key=${a.key}`);
  return flags;
}


/** JSON.parse that keeps integers beyond 2^53 (member ids) as decimal strings. */
export function parseEtcdJson(text: string): unknown {
  return JSON.parse(text.replace(/([:[,]\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
}

/** etcdctl prints member ids in hex; its JSON has them in decimal. */
export function hexId(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  try {
    return BigInt(value as string | number).toString(16);
  } catch {
    return undefined;
  }
}

/** The one JSON line in output that may also hold etcdctl's zap warnings and error lines. */
export function jsonLine(output: string, opener: '[' | '{'): string | undefined {
  return output.split('\n').find((l) => l.startsWith(opener) && !l.startsWith('{"level"'));
}

/** The lines that are neither JSON nor zap logs: etcdctl's own error messages. */
export function errorLines(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('[') && !l.startsWith('{'));
}

/** Splits probe output into `@name` sections, each with the exit code echoed after it. */
export function sections(stdout: string): Map<string, { text: string; rc: number }> {
  const out = new Map<string, { text: string; rc: number }>();
  let current: string | undefined;
  let lines: string[] = [];
  for (const line of stdout.split('\n')) {
    const rc = /^@rc (\d+)$/.exec(line);
    const head = /^@([a-z_]+)$/.exec(line);
    if (rc && current) {
      out.set(current, { text: lines.join('\n'), rc: Number(rc[1]) });
      current = undefined;
    } else if (head) {
      current = head[1];
      lines = [];
    } else if (current) lines.push(line);
  }
  return out;
}

/** `echo @name; <command> 2>&1; echo "@rc $?"` for each part of a batched probe. */
export function section(name: string, command: string): string {
  return `echo @${name}; ${command} 2>&1; echo "@rc $?"`;
}

export const NOT_FOUND_RC = 127;
