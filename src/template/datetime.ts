/**
 * Dates as Python writes them, for Ansible's `now()` global and `strftime`
 * filter: str(datetime) and the strftime directives in common use.
 */
import { floatResult, PyObject } from './python-values.js';
import { TemplateRuntimeError } from './undefined.js';
import { strptime as parseTime, type TimeFields } from '../common/strptime.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

interface Parts extends TimeFields {
  weekday: number;
  offsetMinutes: number;
}

function parts(date: Date, utc: boolean): Parts {
  const get = utc
    ? { y: date.getUTCFullYear(), mo: date.getUTCMonth(), d: date.getUTCDate(), h: date.getUTCHours(), mi: date.getUTCMinutes(), s: date.getUTCSeconds(), wd: date.getUTCDay() }
    : { y: date.getFullYear(), mo: date.getMonth(), d: date.getDate(), h: date.getHours(), mi: date.getMinutes(), s: date.getSeconds(), wd: date.getDay() };
  return {
    year: get.y,
    month: get.mo + 1,
    day: get.d,
    hour: get.h,
    minute: get.mi,
    second: get.s,
    microsecond: date.getMilliseconds() * 1000,
    weekday: get.wd,
    offsetMinutes: utc ? 0 : -date.getTimezoneOffset(),
  };
}

function dayOfYear(p: Parts): number {
  return Math.round((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86400000) + 1;
}

/** Python's datetime.strftime for %Y %m %d %H %M %S %f %s %j %a %A %b %B %y %I %p %z %Z %e %F %T %%. */
export function strftime(format: string, date: Date, utc = false): string {
  const p = parts(date, utc);
  return format.replace(/%(.)/g, (whole, c: string) => {
    switch (c) {
      case 'Y': return String(p.year);
      case 'y': return pad(p.year % 100);
      case 'm': return pad(p.month);
      case 'd': return pad(p.day);
      case 'e': return String(p.day).padStart(2, ' ');
      case 'H': return pad(p.hour);
      case 'I': return pad(p.hour % 12 === 0 ? 12 : p.hour % 12);
      case 'p': return p.hour < 12 ? 'AM' : 'PM';
      case 'M': return pad(p.minute);
      case 'S': return pad(p.second);
      case 'f': return pad(p.microsecond, 6);
      case 's': return String(Math.floor(date.getTime() / 1000));
      case 'j': return pad(dayOfYear(p), 3);
      case 'a': return (DAYS[p.weekday] as string).slice(0, 3);
      case 'A': return DAYS[p.weekday] as string;
      case 'b': return (MONTHS[p.month - 1] as string).slice(0, 3);
      case 'B': return MONTHS[p.month - 1] as string;
      case 'F': return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
      case 'T': return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
      case 'z': {
        const o = Math.abs(p.offsetMinutes);
        return `${p.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(o / 60))}${pad(o % 60)}`;
      }
      case 'Z': return utc ? 'UTC' : '';
      case '%': return '%';
      default:
        throw new TemplateRuntimeError(`strftime: the directive ${whole} is not supported`);
    }
  });
}

/** str(datetime.now()): `2026-12-02 11:58:00.123456`. */
export function pyDateTime(date: Date, utc = false): string {
  return strftime('%Y-%m-%d %H:%M:%S.%f', date, utc);
}

/** Python's timedelta: days, seconds (under a day) and microseconds, with Python's sign rules. */
export class PyTimeDelta extends PyObject {
  readonly pyType = 'timedelta';
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;
  constructor(private readonly micros: number) {
    super();
    this.days = Math.floor(micros / 86_400_000_000);
    const rest = micros - this.days * 86_400_000_000;
    this.seconds = Math.floor(rest / 1_000_000);
    this.microseconds = rest - this.seconds * 1_000_000;
  }
  total_seconds(): unknown {
    return floatResult(this.micros / 1_000_000);
  }
  pyStr(): string {
    const h = Math.floor(this.seconds / 3600);
    const clock = `${h}:${pad(Math.floor((this.seconds % 3600) / 60))}:${pad(this.seconds % 60)}${this.microseconds ? `.${pad(this.microseconds, 6)}` : ''}`;
    return this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${clock}` : clock;
  }
  override pyRepr(): string {
    const parts = [this.days && `days=${this.days}`, this.seconds && `seconds=${this.seconds}`, this.microseconds && `microseconds=${this.microseconds}`].filter(Boolean);
    return `datetime.timedelta(${parts.join(', ')})`;
  }
  override compareTo(other: unknown): number | undefined {
    return other instanceof PyTimeDelta ? Math.sign(this.micros - other.micros) : undefined;
  }
  override minus(other: unknown): unknown {
    return other instanceof PyTimeDelta ? new PyTimeDelta(this.micros - other.micros) : undefined;
  }
}

/** A naive Python datetime, as to_datetime gives it: fields, comparison, subtraction, strftime. */
export class PyDateTime extends PyObject {
  readonly pyType = 'datetime';
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  /** microseconds since 1970-01-01 00:00, counting the fields as UTC */
  private readonly micros: number;
  constructor(fields: TimeFields) {
    super();
    ({ year: this.year, month: this.month, day: this.day, hour: this.hour, minute: this.minute, second: this.second, microsecond: this.microsecond } = fields);
    this.micros = Date.UTC(this.year, this.month - 1, this.day, this.hour, this.minute, this.second) * 1000 + this.microsecond;
  }
  private asDate(): Date {
    const date = new Date(Date.UTC(this.year, this.month - 1, this.day, this.hour, this.minute, this.second, Math.floor(this.microsecond / 1000)));
    if (this.year < 100) date.setUTCFullYear(this.year);
    return date;
  }
  strftime(format: unknown): string {
    return strftime(String(format), this.asDate(), true);
  }
  timestamp(): number {
    // a naive datetime is local time
    return new Date(this.year, this.month - 1, this.day, this.hour, this.minute, this.second).getTime() / 1000 + this.microsecond / 1e6;
  }
  weekday(): number {
    return (this.asDate().getUTCDay() + 6) % 7;
  }
  isoformat(sep: unknown = 'T'): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}${String(sep)}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${this.microsecond ? `.${pad(this.microsecond, 6)}` : ''}`;
  }
  pyStr(): string {
    return this.isoformat(' ');
  }
  override pyRepr(): string {
    const fields = [this.year, this.month, this.day, this.hour, this.minute, this.second, this.microsecond];
    while (fields.length > 3 && fields[fields.length - 1] === 0) fields.pop();
    return `datetime.datetime(${fields.join(', ')})`;
  }
  override compareTo(other: unknown): number | undefined {
    if (other instanceof PyDateTime) return Math.sign(this.micros - other.micros);
    return undefined;
  }
  override minus(other: unknown): unknown {
    if (other instanceof PyDateTime) return new PyTimeDelta(this.micros - other.micros);
    return undefined;
  }
}

/** Python's datetime.strptime (the directives of common/strptime.ts); text that does not match fails as Python's does. */
export function strptime(text: string, format: string): PyDateTime {
  try {
    return new PyDateTime(parseTime(text, format));
  } catch (error) {
    throw new TemplateRuntimeError((error as Error).message);
  }
}
