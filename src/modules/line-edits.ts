/**
 * The text transforms of lineinfile and blockinfile, as pure functions
 * that follow Ansible's algorithms line for line (where it inserts, what it
 * counts as a match), so the modules only fetch, transform and write.
 */
import { pythonRegex as translatePythonRegex } from '../template/python-regex.js';

/** Lines with their endings kept, like Python's `splitlines(True)` on bytes. */
export function splitLinesKeep(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$/g) ?? [];
}

const stripEnd = (line: string): string => line.replace(/[\r\n]+$/, '');
const endsWithNewline = (line: string): boolean => /[\r\n]$/.test(line);

/**
 * A Python regular expression as a JS RegExp (the one translation, in
 * src/template/python-regex.ts: named groups, \A and \Z, inline flags).
 * Lines are tested without their ending, since Python's `$` also matches
 * before a final newline.
 */
export function pythonRegex(source: string, options: { multiline?: boolean } = {}): RegExp {
  try {
    return translatePythonRegex(source, options);
  } catch (error) {
    throw new Error((error as Error).message);
  }
}

/** Python's `match.expand(template)`: `\1`, `\g<1>`, `\g<name>`, and escapes. */
export function expandBackrefs(template: string, match: RegExpExecArray): string {
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' };
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/g, (all, named?: string, num?: string, other?: string) => {
    if (named !== undefined) return (/^\d+$/.test(named) ? match[Number(named)] : match.groups?.[named]) ?? '';
    if (num !== undefined) return match[Number(num)] ?? '';
    return other !== undefined && escapes[other] !== undefined ? escapes[other] : all;
  });
}

export interface LineInFileOptions {
  line?: string | undefined;
  regexp?: string | undefined;
  search_string?: string | undefined;
  state: 'present' | 'absent';
  insertafter?: string | undefined;
  insertbefore?: string | undefined;
  backrefs?: boolean;
  firstmatch?: boolean;
}

export interface EditResult {
  text: string;
  changed: boolean;
  msg: string;
}

function lineAbsent(lines: string[], o: LineInFileOptions): EditResult {
  const re = o.regexp !== undefined ? pythonRegex(o.regexp) : undefined;
  const kept = lines.filter((cur) => {
    if (re) return !re.test(stripEnd(cur));
    if (o.search_string !== undefined) return !cur.includes(o.search_string);
    return stripEnd(cur) !== o.line;
  });
  const removed = lines.length - kept.length;
  return { text: kept.join(''), changed: removed > 0, msg: removed ? `${removed} line(s) removed` : '' };
}

/** Ansible's lineinfile on a file's text (`''` for a file being created). */
export function lineInFile(text: string, o: LineInFileOptions): EditResult {
  const lines = splitLinesKeep(text);
  if (o.state === 'absent') return lineAbsent(lines, o);
  if (o.line === undefined) throw new Error('line is required with state=present');
  const line = o.line;
  const re = o.regexp !== undefined ? pythonRegex(o.regexp) : undefined;
  const { insertafter, insertbefore } = o;
  const insRe =
    insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF'
      ? pythonRegex(insertafter)
      : insertbefore !== undefined && insertbefore !== 'BOF'
        ? pythonRegex(insertbefore)
        : undefined;
  let found = -1;
  let insertAt = -1;
  let match: RegExpExecArray | null = null;
  for (let i = 0; i < lines.length; i++) {
    const m = re ? re.exec(stripEnd(lines[i] as string)) : o.search_string !== undefined && (lines[i] as string).includes(o.search_string) ? ([] as unknown as RegExpExecArray) : null;
    if (m) {
      found = i;
      match = m;
      if (o.firstmatch) break;
    }
  }
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      const cur = lines[i] as string;
      if (stripEnd(cur) === line) found = i;
      else if (insRe && insRe.test(stripEnd(cur))) {
        insertAt = insertafter ? i + 1 : i;
        if (o.firstmatch) break;
      }
    }
  }
  const added = (): EditResult => ({ text: lines.join(''), changed: true, msg: 'line added' });
  const unchanged: EditResult = { text, changed: false, msg: '' };
  if (found !== -1) {
    let newLine = o.backrefs && match ? expandBackrefs(line, match) : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (lines[found] === newLine) return unchanged;
    lines[found] = newLine;
    return { text: lines.join(''), changed: true, msg: 'line replaced' };
  }
  if (o.backrefs) return unchanged; // nothing safe to write without the regexp's groups
  if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(`${line}\n`);
    return added();
  }
  if (insertafter === 'EOF' || insertAt === -1) {
    const last = lines[lines.length - 1];
    if (last !== undefined && !endsWithNewline(last)) lines.push('\n');
    lines.push(`${line}\n`);
    return added();
  }
  if (insertafter) {
    // Don't insert when the line is already right after the anchor.
    if (insertAt === lines.length) {
      if (stripEnd(lines[insertAt - 1] as string) === line) return unchanged;
      const last = lines[lines.length - 1] as string;
      if (!endsWithNewline(last)) lines[lines.length - 1] = `${last}\n`;
      lines.push(`${line}\n`);
    } else {
      if (stripEnd(lines[insertAt] as string) === line) return unchanged;
      lines.splice(insertAt, 0, `${line}\n`);
    }
    return added();
  }
  lines.splice(insertAt, 0, `${line}\n`);
  return added();
}

export interface BlockInFileOptions {
  block: string;
  marker: string;
  marker_begin: string;
  marker_end: string;
  state: 'present' | 'absent';
  insertafter?: string | undefined;
  insertbefore?: string | undefined;
}

/** Ansible's blockinfile on a file's text; `existed` picks the message for a new file. */
export function blockInFile(text: string, o: BlockInFileOptions, existed = true): EditResult {
  const lines = splitLinesKeep(text);
  const insertafter = o.insertafter === undefined && o.insertbefore === undefined ? 'EOF' : o.insertafter;
  const insRe =
    insertafter !== undefined && insertafter !== 'EOF'
      ? pythonRegex(insertafter)
      : o.insertbefore !== undefined && o.insertbefore !== 'BOF'
        ? pythonRegex(o.insertbefore)
        : undefined;
  const begin = o.marker.split('{mark}').join(o.marker_begin);
  const end = o.marker.split('{mark}').join(o.marker_end);
  let block: string[] = [];
  if (o.state === 'present' && o.block) {
    const body = endsWithNewline(o.block) ? o.block : `${o.block}\n`;
    block = [`${begin}\n`, ...splitLinesKeep(body), `${end}\n`];
  }
  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((cur, i) => {
    if (stripEnd(cur) === begin) n0 = i;
    if (stripEnd(cur) === end) n1 = i;
  });
  let at: number;
  if (n0 === undefined || n1 === undefined) {
    if (insRe) {
      let hit: number | undefined;
      lines.forEach((cur, i) => {
        if (insRe.test(stripEnd(cur))) hit = i;
      });
      at = hit === undefined ? lines.length : insertafter !== undefined ? hit + 1 : hit;
    } else at = o.insertbefore !== undefined ? 0 : lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
    at = n0;
  } else {
    lines.splice(n1, n0 - n1 + 1);
    at = n1;
  }
  if (block.length && at > 0 && !endsWithNewline(lines[at - 1] as string)) lines[at - 1] += '\n';
  lines.splice(at, 0, ...block);
  const result = lines.join('');
  if (result === text && existed) return { text, changed: false, msg: '' };
  const msg = !existed ? 'File created' : block.length ? 'Block inserted' : 'Block removed';
  return { text: result, changed: result !== text || !existed, msg };
}
