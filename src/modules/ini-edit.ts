/**
 * The text transform of ini_file, a pure function that follows
 * community.general's algorithm step for step: which lines count as the
 * option (commented-out ones too, for present), where a new line goes (after
 * the section's last line that is neither blank nor a comment), what
 * `exclusive` removes, and the `changed` and `msg` it reports.
 */
import type { EditResult } from './line-edits.js';

export interface IniEditOptions {
  section?: string | null | undefined;
  option?: string | undefined;
  values: string[];
  state: 'present' | 'absent';
  exclusive: boolean;
  noExtraSpaces: boolean;
  allowNoValue: boolean;
}

// a name no file has, for the lines before the first section
const TOP = 'ad01e11446efb704fcdbdb21f2c43757423d91c5';
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const bare = (line: string): string => line.replace(/\n$/, '');

/** The option's line, commented out or not, and its value (Ansible's match_opt). */
function matchOpt(option: string, line: string): string | undefined {
  const m = new RegExp(`^[#;]?[ \\t]*(${escape(option)})[ \\t]*(=|$)[ \\t]*(.*)`).exec(bare(line));
  return m ? (m[3] ?? '') : undefined;
}

/** The option's active line and its value (Ansible's match_active_opt). */
function matchActiveOpt(option: string, line: string): string | undefined {
  const m = new RegExp(`^[ \\t]*(${escape(option)})[ \\t]*(=|$)[ \\t]*(.*)`).exec(bare(line));
  return m ? (m[3] ?? '') : undefined;
}

const BLANK_OR_COMMENT = /^[ \t]*([#;].*)?$/;

export function iniEdit(text: string, o: IniEditOptions): EditResult {
  const values: string[] = [];
  for (const v of o.values) if (!values.includes(v)) values.push(v);
  const option = o.option;
  const lines: string[] = [...(text.match(/[^\n]*\n|[^\n]+$/g) ?? [])];
  let changed = false;
  if (lines.length === 0) lines.push('\n');
  const last = lines.length - 1;
  if (!(lines[last] as string).endsWith('\n')) {
    lines[last] += '\n';
    changed = true;
  }
  lines.unshift(`[${TOP}]`);
  lines.push('[');
  const section = o.section ? o.section : TOP;
  let within = false;
  let start = 0;
  let end = 0;
  for (const [index, line] of lines.entries()) {
    if (line.startsWith(`[${section}]`)) {
      within = true;
      start = index;
    } else if (line.startsWith('[') && within) {
      end = index;
      break;
    }
  }
  const before = lines.slice(0, start);
  let sectionLines = lines.slice(start, end);
  const after = lines.slice(end);
  let touched = sectionLines.map(() => false);
  let msg = 'OK';
  const assign = (v: string) => (o.noExtraSpaces ? `${option}=${v}\n` : `${option} = ${v}\n`);
  const update = (index: number, line: string) => {
    if (sectionLines[index] !== line) {
      changed = true;
      msg = 'option changed';
    }
    sectionLines[index] = line;
    touched[index] = true;
  };
  let noValuePresent = false;

  if (o.state === 'present' && option) {
    for (const [index, line] of sectionLines.entries()) {
      const found = matchOpt(option, line);
      if (found === undefined) continue;
      if (values.length && values.includes(found)) {
        if (!found && o.allowNoValue) {
          update(index, `${option}\n`);
          noValuePresent = true;
        } else update(index, assign(found));
        values.splice(values.indexOf(found), 1);
      } else if (!values.length && o.allowNoValue) {
        update(index, `${option}\n`);
        noValuePresent = true;
        break;
      }
    }
  }

  if (o.state === 'present' && o.exclusive && !o.allowNoValue && option !== undefined) {
    if (values.length > 0) {
      for (const [index, line] of sectionLines.entries()) {
        if (!touched[index] && matchOpt(option, line) !== undefined) {
          update(index, assign(values.shift() as string));
          if (values.length === 0) break;
        }
      }
    }
    for (let index = sectionLines.length - 1; index > 0; index--) {
      if (!touched[index] && matchOpt(option, sectionLines[index] as string) !== undefined) {
        sectionLines.splice(index, 1);
        touched.splice(index, 1);
        changed = true;
        msg = 'option changed';
      }
    }
  }

  if (o.state === 'present') {
    for (let index = sectionLines.length; index > 0; index--) {
      if (BLANK_OR_COMMENT.test(bare(sectionLines[index - 1] as string))) continue;
      if (option && values.length) {
        sectionLines.splice(index, 0, ...values.map(assign));
        msg = 'option added';
        changed = true;
      } else if (option && !values.length && o.allowNoValue && !noValuePresent) {
        sectionLines.splice(index, 0, `${option}\n`);
        msg = 'option added';
        changed = true;
      }
      break;
    }
  }

  if (o.state === 'absent') {
    if (option) {
      const keep = o.exclusive
        ? (line: string) => matchActiveOpt(option, line) === undefined
        : values.length > 0
          ? (line: string) => {
              const v = matchActiveOpt(option, line);
              return v === undefined || !values.includes(v);
            }
          : undefined;
      if (keep) {
        const kept = sectionLines.filter(keep);
        if (kept.length !== sectionLines.length) {
          changed = true;
          msg = 'option changed';
          sectionLines = kept;
          touched = kept.map(() => false);
        }
      }
    } else if (sectionLines.length) {
      sectionLines = [];
      msg = 'section removed';
      changed = true;
    }
  }

  const out = [...before, ...sectionLines, ...after].slice(1, -1);
  if (!within && o.state === 'present') {
    out.push(`[${section}]\n`);
    msg = 'section and option added';
    if (option && values.length) out.push(...values.map(assign));
    else if (option && !values.length && o.allowNoValue) out.push(`${option}\n`);
    else msg = 'only section added';
    changed = true;
  }
  return { text: changed ? out.join('') : text, changed, msg };
}
