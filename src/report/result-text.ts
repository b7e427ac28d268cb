/**
 * A task's result as Ansible's default callback prints it after `ok: [host] =>`:
 * the bookkeeping keys taken out, debug reduced to what it was asked to show,
 * and Python's json.dumps layout (sorted keys, `", "` and `": "` separators,
 * four-space indent when pretty). Scripts that grep or diff ansible-playbook's
 * output read these lines, so the layout is Ansible's to the character.
 */

/** Keys debug keeps beside `msg` (Ansible's _DEBUG_ALLOWED_KEYS). */
const DEBUG_KEPT = new Set(['msg', 'exception', 'warnings', 'deprecations']);
/** Keys debug drops from a `var` result. */
const DEBUG_HIDDEN = ['changed', 'failed', 'skipped', 'invocation', 'skip_reason', 'false_condition'];
/** Keys the callback never shows: the status is on the line already; false_condition is newer than 2.14. */
const NEVER_SHOWN = ['failed', 'skipped', 'false_condition'];

export interface ResultTextOptions {
  verbosity: number;
  /** the task's module, as written (`debug`, `ansible.builtin.debug`) */
  module?: string | undefined;
}

const shortName = (module: string | undefined): string => (module ?? '').replace(/^ansible\.(builtin|legacy)\./, '');

/** Python's json.dumps(value, sort_keys=True, ensure_ascii=False, indent=indent). */
export function pythonJson(value: unknown, indent: number | null, level = 0): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return JSON.stringify(String(value));
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function' && !Array.isArray(value)) return pythonJson(json.call(value), indent, level);
  const items = Array.isArray(value)
    ? value.map((v) => pythonJson(v, indent, level + 1))
    : Object.keys(value)
        .sort()
        .map((k) => `${JSON.stringify(k)}: ${pythonJson((value as Record<string, unknown>)[k], indent, level + 1)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return open + close;
  if (indent === null) return open + items.join(', ') + close;
  const inner = '\n' + ' '.repeat(indent * (level + 1));
  return open + inner + items.join(',' + inner) + '\n' + ' '.repeat(indent * level) + close;
}

/** Ansible's strip_internal_keys: every `_ansible_*` key, at any depth. */
function stripInternal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripInternal);
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('_ansible_')) out[k] = stripInternal(v);
  return out;
}

/** The result as the callback shows it (before layout). */
export function shownResult(result: Record<string, unknown>, o: ResultTextOptions): Record<string, unknown> {
  const shown = { ...result };
  if (shortName(o.module) === 'debug') {
    if ('msg' in shown) {
      for (const k of Object.keys(shown)) if (!DEBUG_KEPT.has(k) && !k.startsWith('_')) delete shown[k];
    } else {
      for (const k of DEBUG_HIDDEN) delete shown[k];
    }
  }
  for (const k of NEVER_SHOWN) delete shown[k];
  if (o.verbosity < 3) {
    delete shown.invocation;
    delete shown.diff;
  }
  delete shown.exception;
  return stripInternal(shown) as Record<string, unknown>;
}

/** Whether the result follows the status line (Ansible's _run_is_verbose). */
export function resultIsVerbose(result: Record<string, unknown>, verbosity: number): boolean {
  return (verbosity > 0 || result._ansible_verbose_always === true) && result._ansible_verbose_override !== true;
}

/** The text after `=> `: compact at -v and -vv, indented at -vvv or for results that are always shown (debug). */
export function resultText(result: Record<string, unknown>, o: ResultTextOptions): string {
  const pretty = result._ansible_verbose_always === true || o.verbosity > 2;
  return pythonJson(shownResult(result, o), pretty ? 4 : null);
}

/** Python's textwrap.wrap(text, width) for a warning: words joined by single spaces, lines at most `width` long. */
export function wrapText(text: string, width = 79): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (let word of words) {
    while (word.length > width) {
      // a word longer than a line is cut, as textwrap's break_long_words does
      const room = line ? width - line.length - 1 : width;
      if (room <= 0) {
        lines.push(line);
        line = '';
        continue;
      }
      lines.push(line ? `${line} ${word.slice(0, room)}` : word.slice(0, room));
      line = '';
      word = word.slice(room);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
