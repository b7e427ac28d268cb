/**
 * Python's two string formatting languages, used by real roles:
 * `'%s-%d' % (a, b)` and `'{}:{port}'.format(host, port=2379)`.
 */
import { isMapping, pyRepr, pyStr, typeName, unwrap, WholeFloat } from './python-values.js';
import { TemplateRuntimeError } from './undefined.js';

interface Spec {
  fill: string;
  align: string;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  precision: number | undefined;
  type: string;
}

function pythonExponent(s: string): string {
  // JavaScript writes 1.5e+6 where Python writes 1.5e+06
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function toNumber(value: unknown, type: string): number {
  value = unwrap(value);
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new TemplateRuntimeError(`%${type} format: a real number is required, not ${typeName(value)}`);
}

function formatGeneral(n: number, precision: number): string {
  const p = precision === 0 ? 1 : precision;
  const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= p) {
    return pythonExponent(n.toExponential(p - 1).replace(/\.?0+e/, 'e'));
  }
  const fixed = n.toFixed(Math.max(0, p - 1 - exp));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** Formats one value by a conversion type and its flags. */
function formatValue(value: unknown, spec: Spec): string {
  const { type } = spec;
  let body: string;
  let numeric = true;
  switch (type) {
    case 's': case '':
      numeric = typeof unwrap(value) === 'number' && type === '';
      body = pyStr(value);
      if (spec.precision !== undefined && !numeric) body = body.slice(0, spec.precision);
      break;
    case 'r': case 'a':
      numeric = false;
      body = pyRepr(value);
      break;
    case 'c':
      numeric = false;
      body = typeof value === 'number' ? String.fromCodePoint(value) : pyStr(value);
      break;
    case 'd': case 'i': case 'u': case 'n':
      body = String(Math.trunc(toNumber(value, type)));
      break;
    case 'x': case 'X': case 'o': case 'b': {
      const n = Math.trunc(toNumber(value, type));
      const radix = type === 'o' ? 8 : type === 'b' ? 2 : 16;
      body = Math.abs(n).toString(radix);
      if (type === 'X') body = body.toUpperCase();
      if (spec.alt) body = `0${type === 'X' ? 'X' : type}${body}`;
      if (n < 0) body = `-${body}`;
      break;
    }
    case 'f': case 'F':
      body = toNumber(value, type).toFixed(spec.precision ?? 6);
      break;
    case 'e': case 'E':
      body = pythonExponent(toNumber(value, type).toExponential(spec.precision ?? 6));
      if (type === 'E') body = body.toUpperCase();
      break;
    case 'g': case 'G':
      body = formatGeneral(toNumber(value, type), spec.precision ?? 6);
      if (type === 'G') body = body.toUpperCase();
      break;
    case '%':
      body = `${(toNumber(value, type) * 100).toFixed(spec.precision ?? 6)}%`;
      break;
    default:
      throw new TemplateRuntimeError(`unsupported format character '${type}'`);
  }
  if (numeric && !body.startsWith('-')) {
    if (spec.sign === '+') body = `+${body}`;
    else if (spec.sign === ' ') body = ` ${body}`;
  }
  return pad(body, spec, numeric);
}

function pad(body: string, spec: Spec, numeric: boolean): string {
  const missing = spec.width - body.length;
  if (missing <= 0) return body;
  if (spec.zero && numeric && !spec.align) {
    const signLength = /^[+\- ]/.test(body) ? 1 : 0;
    return body.slice(0, signLength) + '0'.repeat(missing) + body.slice(signLength);
  }
  const align = spec.align || (numeric ? '>' : '<');
  const fill = spec.fill || ' ';
  if (align === '<') return body + fill.repeat(missing);
  if (align === '^') {
    const left = Math.floor(missing / 2);
    return fill.repeat(left) + body + fill.repeat(missing - left);
  }
  return fill.repeat(missing) + body;
}

const PERCENT_SPEC = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcrsa%])/g;

/** `format % args`, where args is one value, a tuple (array) or a dict for %(name)s. */
export function percentFormat(format: string, args: unknown): string {
  const specCount = [...format.matchAll(PERCENT_SPEC)].filter((m) => m[5] !== '%').length;
  if (!(args instanceof WholeFloat)) args = unwrap(args);
  // A list on the right is a tuple of arguments when it has one per spec;
  // otherwise it is a single value, as `'%s' % [1, 2]` is in Python.
  const positional = Array.isArray(args) && (args.length === specCount && specCount !== 1 || (specCount === 1 && args.length === 1)) ? args : [args];
  let next = 0;
  const take = (): unknown => {
    if (next >= positional.length) throw new TemplateRuntimeError('not enough arguments for format string');
    return positional[next++];
  };
  const out = format.replace(PERCENT_SPEC, (_m, name: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
    if (type === '%') return '%';
    const spec: Spec = {
      fill: ' ', align: flags.includes('-') ? '<' : flags.includes('0') ? '' : '>', sign: flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '',
      alt: flags.includes('#'), zero: flags.includes('0'),
      width: width === '*' ? Number(take()) : Number(width ?? 0),
      precision: precision === '*' ? Number(take()) : precision === undefined ? undefined : Number(precision),
      type,
    };
    let value: unknown;
    if (name !== undefined) {
      if (!isMapping(args)) throw new TemplateRuntimeError('format requires a mapping');
      value = args[name];
      if (value === undefined) throw new TemplateRuntimeError(`KeyError: '${name}'`);
    } else value = take();
    return formatValue(value, spec);
  });
  if (next < positional.length && !isMapping(args)) throw new TemplateRuntimeError('not all arguments converted during string formatting');
  return out;
}

const FORMAT_SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

function parseFormatSpec(text: string): Spec {
  const m = FORMAT_SPEC.exec(text);
  if (!m) throw new TemplateRuntimeError(`Invalid format specifier '${text}'`);
  return {
    fill: m[1] ?? '', align: m[2] === '=' ? '' : (m[2] ?? ''), sign: m[3] ?? '', alt: Boolean(m[4]),
    zero: Boolean(m[5]), width: Number(m[6] ?? 0), precision: m[8] === undefined ? undefined : Number(m[8]), type: m[9] ?? '',
  };
}

function resolveField(field: string, args: unknown[], kwargs: Record<string, unknown>, auto: { next: number }): unknown {
  const m = /^([^.[]*)(.*)$/.exec(field)!;
  const head = m[1]!;
  let value: unknown;
  if (head === '' || /^\d+$/.test(head)) {
    const index = head === '' ? auto.next++ : Number(head);
    if (index >= args.length) throw new TemplateRuntimeError(`Replacement index ${index} out of range for positional args tuple`);
    value = args[index];
  } else {
    if (!Object.hasOwn(kwargs, head)) throw new TemplateRuntimeError(`KeyError: '${head}'`);
    value = kwargs[head];
  }
  for (const part of m[2]!.matchAll(/\.(\w+)|\[([^\]]+)\]/g)) {
    const key = part[1] ?? part[2]!;
    value = Array.isArray(value) && /^\d+$/.test(key) ? value[Number(key)] : (value as Record<string, unknown>)?.[key];
  }
  return value;
}

/** str.format: `{}`, `{0}`, `{name}`, `{0[key]}`, `{:>8}`, `{!r}`, `{{` and `}}`. */
export function braceFormat(format: string, args: unknown[], kwargs: Record<string, unknown>): string {
  const auto = { next: 0 };
  return format.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (whole, field: string | undefined, conversion: string | undefined, specText: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    let value = resolveField(field ?? '', args, kwargs, auto);
    if (conversion === 'r' || conversion === 'a') value = pyRepr(value);
    else if (conversion === 's') value = pyStr(value);
    return formatValue(value, parseFormatSpec(specText ?? ''));
  });
}
