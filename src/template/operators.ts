/**
 * Jinja's operators with Python semantics, called by the compiled templates
 * (see compile.ts): `+` concatenates lists, `'-' * 3` repeats, `%` formats
 * strings, `//` floors, and any undefined operand fails.
 */
import { percentFormat } from './python-format.js';
import { floatResult, PyObject, WholeFloat, pyCompare, pyContains, pyEquals, pyStr, typeName, unwrap } from './python-values.js';
import { TemplateRuntimeError, Undefined, PythonException } from './undefined.js';

function operand(value: unknown): unknown {
  if (value instanceof Undefined) value.fail();
  return unwrap(value);
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

function unsupported(op: string, a: unknown, b: unknown): never {
  throw new PythonException('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function numbers(op: string, a: unknown, b: unknown): [number, number] {
  const x = num(operand(a));
  const y = num(operand(b));
  if (x === undefined || y === undefined) unsupported(op, unwrap(a), unwrap(b));
  return [x, y];
}

function nonZero(divisor: number): number {
  if (divisor === 0) throw new TemplateRuntimeError('division by zero');
  return divisor;
}

export function add(a: unknown, b: unknown): unknown {
  const x = operand(a);
  const y = operand(b);
  if (typeof x === 'string' && typeof y === 'string') return x + y;
  if (Array.isArray(x) && Array.isArray(y)) return [...x, ...y];
  const [n, m] = numbers('+', x, y);
  return keepFloat(a, b, n + m);
}

/** A whole float stays a float through + - *: 10 / 2 + 1 prints 6.0. */
function keepFloat(a: unknown, b: unknown, n: number): unknown {
  return a instanceof WholeFloat || b instanceof WholeFloat ? floatResult(n) : n;
}

export const sub = (a: unknown, b: unknown): unknown => {
  const left = operand(a);
  if (left instanceof PyObject) return left.minus(operand(b)) ?? unsupported('-', left, unwrap(b));
  const [x, y] = numbers('-', a, b);
  return keepFloat(a, b, x - y);
};
export const div = (a: unknown, b: unknown): unknown => { const [x, y] = numbers('/', a, b); return floatResult(x / nonZero(y)); };
export const floorDiv = (a: unknown, b: unknown): number => { const [x, y] = numbers('//', a, b); return Math.floor(x / nonZero(y)); };
export const pow = (a: unknown, b: unknown): number => { const [x, y] = numbers('**', a, b); return x ** y; };

export function mul(a: unknown, b: unknown): unknown {
  const x = operand(a);
  const y = operand(b);
  const repeat = (seq: unknown, times: unknown): unknown => {
    const n = Math.max(0, Math.trunc(num(times)!));
    if (typeof seq === 'string') return seq.repeat(n);
    return Array.from({ length: n }, () => seq as unknown[]).flat();
  };
  if ((typeof x === 'string' || Array.isArray(x)) && Number.isInteger(num(y))) return repeat(x, y);
  if ((typeof y === 'string' || Array.isArray(y)) && Number.isInteger(num(x))) return repeat(y, x);
  const [n, m] = numbers('*', x, y);
  return keepFloat(a, b, n * m);
}

export function mod(a: unknown, b: unknown): unknown {
  const x = operand(a);
  if (typeof x === 'string') return percentFormat(x, b instanceof WholeFloat ? b : operand(b));
  const [n, m] = numbers('%', x, b);
  // Python's modulo takes the sign of the divisor
  return ((n % nonZero(m)) + m) % m;
}

export function neg(a: unknown): number {
  const x = num(operand(a));
  if (x === undefined) throw new TemplateRuntimeError(`bad operand type for unary -: '${typeName(unwrap(a))}'`);
  return -x;
}

export function pos(a: unknown): number {
  const x = num(operand(a));
  if (x === undefined) throw new TemplateRuntimeError(`bad operand type for unary +: '${typeName(unwrap(a))}'`);
  return x;
}

export const concat = (a: unknown, b: unknown): string => pyStr(a) + pyStr(b);

function compareOnce(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==': case '===': return pyEquals(a, b);
    case '!=': case '!==': return !pyEquals(a, b);
    case '<': return pyCompare(a, b, op) < 0;
    case '<=': return pyCompare(a, b, op) <= 0;
    case '>': return pyCompare(a, b, op) > 0;
    case '>=': return pyCompare(a, b, op) >= 0;
    default: throw new TemplateRuntimeError(`unknown comparison operator ${op}`);
  }
}

/** `a < b <= c` as Python chains it: every adjacent pair must hold. */
export function compare(first: unknown, ...rest: unknown[]): boolean {
  let left = first;
  for (let i = 0; i < rest.length; i += 2) {
    const right = rest[i + 1];
    if (!compareOnce(left, rest[i] as string, right)) return false;
    left = right;
  }
  return true;
}

/** `item in container`; nunjucks passes the operands in this order. */
export const inOperator = (item: unknown, container: unknown): boolean => pyContains(container, item);
