/**
 * Dates as Python writes them, for Ansible's `now()` global and `strftime`
 * filter: str(datetime) and the strftime directives in common use.
 */
import { TemplateRuntimeError } from './undefined.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
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
    micro: date.getMilliseconds() * 1000,
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
      case 'f': return pad(p.micro, 6);
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
