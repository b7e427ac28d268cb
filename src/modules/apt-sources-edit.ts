/**
 * apt's one-line source files as Ansible's apt_repository reads and writes
 * them: a line is a `deb`/`deb-src` source (enabled, or disabled behind a
 * `#`) with an optional `# comment`, or anything else, kept; written back
 * with its spaces collapsed, `# ` before a disabled source and ` # ` before
 * a comment. Pure functions: the module reads and writes the files.
 */
import path from 'node:path';

export interface SourceLine {
  valid: boolean;
  enabled: boolean;
  source: string;
  comment: string;
}

const SOURCE_TYPES = new Set(['deb', 'deb-src']);

export function parseSourceLine(raw: string): SourceLine {
  let line = raw.trim();
  let enabled = true;
  let comment = '';
  if (line.startsWith('#')) {
    enabled = false;
    line = line.slice(1);
  }
  const hash = line.indexOf('#');
  if (hash > 0) {
    comment = line.slice(hash + 1).trim();
    line = line.slice(0, hash);
  }
  let source = line.trim();
  let valid = false;
  if (source) {
    const chunks = source.split(/\s+/);
    if (SOURCE_TYPES.has(chunks[0] as string)) {
      valid = true;
      source = chunks.join(' ');
    }
  }
  return { valid, enabled, source, comment };
}

/** A file's lines (a last line without its newline counts). */
export function parseSourcesFile(text: string): SourceLine[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.map(parseSourceLine);
}

export function dumpSourcesFile(lines: readonly SourceLine[]): string {
  return lines.map((l) => `${l.enabled ? '' : '# '}${l.source}${l.comment ? ` # ${l.comment}` : ''}\n`).join('');
}

/** The repository a task names, as a source line; an error for anything that is not an enabled deb/deb-src line. */
export function repoSource(repo: string): string {
  const parsed = parseSourceLine(repo);
  if (!parsed.valid || !parsed.enabled) throw new Error(`Invalid repository string: ${repo.trim()}`);
  return parsed.source;
}

/** The file a new source goes to: `filename`.list, else its host and path as a name (`download_docker_com_linux_debian.list`). */
export function sourceFileName(source: string, filename: string | undefined, partsDir: string): string {
  let name: string;
  if (filename !== undefined) name = `${filename}.list`;
  else {
    const line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
    const parts = line.split(/\s+/).filter((p) => p && !SOURCE_TYPES.has(p));
    const first = (parts[0] ?? '').split('@').pop() as string;
    name = `${first.replace(/[^a-zA-Z0-9]/g, ' ').split(/\s+/).filter(Boolean).join('_')}.list`;
  }
  return name.includes('/') ? name : path.posix.join(partsDir, name);
}

/**
 * The files after adding or removing `source`: present enables every line
 * that has it (a disabled one too) or appends it to `file`; absent removes
 * every enabled line that has it. Files are keyed by path, in their order.
 */
export function editSources(files: ReadonlyMap<string, SourceLine[]>, source: string, state: 'present' | 'absent', file: string): Map<string, SourceLine[]> {
  const out = new Map<string, SourceLine[]>();
  let found = false;
  for (const [name, lines] of files) {
    const kept: SourceLine[] = [];
    for (const line of lines) {
      const same = line.valid && line.source === source;
      if (same && state === 'absent' && line.enabled) continue;
      if (same && state === 'present') {
        found = true;
        kept.push({ ...line, enabled: true });
      } else kept.push(line);
    }
    out.set(name, kept);
  }
  if (state === 'present' && !found) out.set(file, [...(out.get(file) ?? []), { valid: true, enabled: true, source, comment: '' }]);
  return out;
}
