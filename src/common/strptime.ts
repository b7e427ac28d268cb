/**
 * Python's `time.strptime` for the directives a timestamp argument uses
 * (the file module's `modification_time_format`), and `time.mktime` of the
 * result: the fields read as local time on this machine, seconds since the epoch.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export interface TimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
}

type Parsing = TimeFields & { pm?: boolean; hour12?: number; yday?: number };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const names = (list: string[]) => `(${[...list].sort((a, b) => b.length - a.length).join('|')})`;

/** Each directive: its pattern and how its text lands in the fields. */
const DIRECTIVES: Record<string, { re: string; set: (f: Parsing, v: string) => void }> = {
  Y: { re: '(\\d{4})', set: (f, v) => (f.year = Number(v)) },
  y: { re: '(\\d{2})', set: (f, v) => (f.year = Number(v) + (Number(v) < 69 ? 2000 : 1900)) },
  m: { re: '(1[0-2]|0[1-9]|[1-9])', set: (f, v) => (f.month = Number(v)) },
  d: { re: '(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])', set: (f, v) => (f.day = Number(v)) },
  H: { re: '(2[0-3]|[0-1]\\d|\\d)', set: (f, v) => (f.hour = Number(v)) },
  I: { re: '(1[0-2]|0[1-9]|[1-9])', set: (f, v) => (f.hour12 = Number(v)) },
  M: { re: '([0-5]\\d|\\d)', set: (f, v) => (f.minute = Number(v)) },
  S: { re: '(6[0-1]|[0-5]\\d|\\d)', set: (f, v) => (f.second = Number(v)) },
  f: { re: '(\\d{1,6})', set: (f, v) => (f.microsecond = Number(v.padEnd(6, '0'))) },
  p: { re: '(am|pm)', set: (f, v) => (f.pm = v.toLowerCase() === 'pm') },
  b: { re: names(MONTHS), set: (f, v) => (f.month = MONTHS.indexOf(v.toLowerCase()) + 1) },
  B: { re: names(MONTH_NAMES), set: (f, v) => (f.month = MONTH_NAMES.indexOf(v.toLowerCase()) + 1) },
  a: { re: names(DAYS), set: () => undefined },
  A: { re: names(DAY_NAMES), set: () => undefined },
  j: { re: '(36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])', set: (f, v) => (f.yday = Number(v)) },
  // a UTC offset is read and not applied: the fields stay as written
  z: { re: '([+-]\\d{4}|Z)?', set: () => undefined },
};
DIRECTIVES.h = DIRECTIVES.b!;

/** The fields `text` gives under `format`, or an error worded as Python's ValueError. */
export function strptime(text: string, format: string): TimeFields {
  const setters: ((f: Parsing, v: string) => void)[] = [];
  const used = new Set<string>();
  let pattern = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '%' && i + 1 < format.length) {
      const d = format[++i]!;
      if (d === '%') {
        pattern += '%';
        continue;
      }
      const directive = DIRECTIVES[d];
      if (!directive) throw new Error(`'${d}' is a bad directive in format '${format}'`);
      pattern += directive.re;
      setters.push(directive.set);
      used.add(d);
    } else if (/\s/.test(c)) {
      pattern += '\\s+';
      while (/\s/.test(format[i + 1] ?? '')) i++;
    } else {
      pattern += escape(c);
    }
  }
  const match = new RegExp(`^${pattern}`, 'i').exec(text);
  if (!match) throw new Error(`time data '${text}' does not match format '${format}'`);
  if (match[0].length !== text.length) throw new Error(`unconverted data remains: ${text.slice(match[0].length)}`);
  const fields: Parsing = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, microsecond: 0 };
  setters.forEach((set, i) => set(fields, match[i + 1] ?? ''));
  if (fields.hour12 !== undefined) fields.hour = (fields.hour12 % 12) + (fields.pm ? 12 : 0);
  // a day of the year gives month and day when neither is written, as Python's does
  if (fields.yday !== undefined && !['m', 'd', 'b', 'B', 'h'].some((d) => used.has(d))) {
    const date = new Date(Date.UTC(fields.year, 0, fields.yday));
    [fields.month, fields.day] = [date.getUTCMonth() + 1, date.getUTCDate()];
  }
  if (new Date(Date.UTC(fields.year, fields.month - 1, fields.day)).getUTCDate() !== fields.day) throw new Error('day is out of range for month');
  const { year, month, day, hour, minute, second, microsecond } = fields;
  return { year, month, day, hour, minute, second, microsecond };
}

/** `time.mktime(time.strptime(text, format))`: seconds since the epoch, the fields read as local time. */
export function localTimestamp(text: string, format: string): number {
  const f = strptime(text, format);
  return new Date(f.year, f.month - 1, f.day, f.hour, f.minute, f.second).getTime() / 1000;
}
