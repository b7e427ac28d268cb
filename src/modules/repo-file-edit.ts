/**
 * yum's .repo files as Python's configparser reads and writes them, which
 * is how Ansible's yum_repository edits them: `[section]` headers,
 * `key = value` (or `key: value`) options with lowercased keys, indented
 * continuation lines, comments dropped; written as `key = value` with
 * continuation lines indented by a tab and a blank line after each section.
 */

/** Sections in file order, each with its options in file order. */
export type RepoFile = Map<string, Map<string, string>>;

export function parseRepoFile(text: string): RepoFile {
  const file: RepoFile = new Map();
  let section: Map<string, string> | undefined;
  let key: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const stripped = line.trim();
    if (stripped === '' || stripped.startsWith('#') || stripped.startsWith(';')) {
      key = undefined;
      continue;
    }
    if (/^\s/.test(line) && section && key !== undefined) {
      section.set(key, `${section.get(key) ?? ''}\n${stripped}`);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(stripped);
    if (header) {
      const name = header[1] as string;
      section = file.get(name) ?? new Map();
      file.set(name, section);
      key = undefined;
      continue;
    }
    if (!section) throw new Error(`File contains no section headers: '${stripped}'`);
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!m) throw new Error(`a line that is no option: '${stripped}'`);
    key = (m[1] as string).toLowerCase();
    section.set(key, m[2] as string);
  }
  return file;
}

/** The file as configparser writes it. */
export function writeRepoFile(file: RepoFile): string {
  let out = '';
  for (const [name, options] of file) {
    out += `[${name}]\n`;
    for (const [key, value] of options) out += `${key} = ${value.replaceAll('\n', '\n\t')}\n`;
    out += '\n';
  }
  return out;
}

/** Sections and options sorted: what Ansible compares to decide whether anything changed (and shows as the diff). */
export function dumpRepoFile(file: RepoFile): string {
  let out = '';
  for (const name of [...file.keys()].sort()) {
    out += `[${name}]\n`;
    const options = file.get(name) as Map<string, string>;
    for (const key of [...options.keys()].sort()) out += `${key} = ${options.get(key)}\n`;
    out += '\n';
  }
  return out;
}
