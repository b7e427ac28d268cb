/** Jinja's and Ansible's tests: `x is defined`, `v is version('3.5', '>=')`, `result is failed`. */
import { param, type CallArgs } from './call-args.js';
import { parseBoolean } from '../common/booleans.js';
import { lenient, raw, type ImplTable } from './filters/registry.js';
import { VaultText } from '../vault/value.js';
import { isMapping, isString, pyCompare, pyContains, pyEquals, pyStr, toList, truthy, type Mapping } from './python-values.js';
import { pythonRegex } from './python-regex.js';
import { TemplateRuntimeError, Undefined } from './undefined.js';
import { compareVersions } from './version.js';

function regexTest(value: unknown, call: CallArgs, mode: 'match' | 'search' | 'fullmatch'): boolean {
  const pattern = pyStr(param(call, 0, 'pattern', ''));
  const options = { ignorecase: truthy(param(call, 1, 'ignorecase', false)), multiline: truthy(param(call, 2, 'multiline', false)) };
  // inline flags such as (?i) must stay at the very start
  const flags = /^\(\?[aiLmsux]+\)/.exec(pattern)?.[0] ?? '';
  const body = pattern.slice(flags.length);
  const source = flags + (mode === 'match' ? `\\A(?:${body})` : mode === 'fullmatch' ? `\\A(?:${body})\\Z` : body);
  const re = pythonRegex(source, options);
  return re.test(pyStr(value));
}

/** A registered task result; Ansible's result tests refuse anything else. */
function result(value: unknown, test: string): Mapping {
  if (!isMapping(value)) throw new TemplateRuntimeError(`The '${test}' test expects a dictionary`);
  return value;
}

function changed(value: unknown): boolean {
  const r = result(value, 'changed');
  if (Object.hasOwn(r, 'changed')) return truthy(r.changed);
  if (Array.isArray(r.results)) return r.results.some((item) => isMapping(item) && truthy(item.changed));
  return false;
}

const isNumber = (v: unknown) => typeof v === 'number' || typeof v === 'boolean';

function version(value: unknown, call: CallArgs): boolean {
  const strict = param<unknown>(call, 2, 'strict', null);
  const versionType = param<unknown>(call, 3, 'version_type', null);
  return compareVersions(pyStr(value), pyStr(param(call, 0, 'version', '')), pyStr(param(call, 1, 'operator', 'eq')), {
    ...(strict !== null ? { strict: truthy(strict) } : {}),
    ...(versionType !== null ? { versionType: pyStr(versionType) } : {}),
  });
}

/** Ansible's truthy test: with convert_bool, a boolean-like value ('off', 'yes', 0) as that boolean, anything else by Python's bool(). */
function truthyTest(value: unknown, call: CallArgs): boolean {
  const converted = truthy(param(call, 0, 'convert_bool', false)) && (isString(value) || isNumber(value)) ? parseBoolean(pyStr(value)) : undefined;
  return converted ?? truthy(value);
}

function integerArg(call: CallArgs, name: string): number {
  const n = Number(param(call, 0, name, NaN));
  if (!Number.isFinite(n)) throw new TemplateRuntimeError(`the ${name} argument must be a number`);
  return n;
}

export const tests: ImplTable = {
  defined: lenient((v) => !(v instanceof Undefined)),
  undefined: lenient((v) => v instanceof Undefined),
  none: lenient((v) => v === null),
  // a `!vault` value is no str in Python, though it acts as one
  string: raw(lenient((v) => !(v instanceof VaultText) && isString(v))),
  // a `!vault` value holding vault data: asked without decrypting it
  vault_encrypted: raw(lenient((v) => v instanceof VaultText && v.encrypted)),
  number: lenient((v) => isNumber(v)),
  integer: lenient((v) => typeof v === 'number' && Number.isInteger(v)),
  float: lenient((v) => typeof v === 'number' && !Number.isInteger(v)),
  boolean: lenient((v) => typeof v === 'boolean'),
  // Jinja 3's `is true` / `is false`: the value is the boolean itself, not just truthy
  true: lenient((v) => v === true),
  false: lenient((v) => v === false),
  mapping: lenient((v) => isMapping(v)),
  iterable: lenient((v) => isString(v) || Array.isArray(v) || isMapping(v)),
  sequence: lenient((v) => isString(v) || Array.isArray(v) || isMapping(v)),
  callable: lenient((v) => typeof v === 'function'),
  sameas: (v, call) => v === call.args[0],
  match: (v, call) => regexTest(v, call, 'match'),
  search: (v, call) => regexTest(v, call, 'search'),
  regex: (v, call) => regexTest(v, call, param(call, 3, 'match_type', 'search') as 'match' | 'search' | 'fullmatch'),
  version: (v, call) => version(v, call),
  version_compare: (v, call) => version(v, call),
  in: (v, call) => pyContains(call.args[0], v),
  contains: (v, call) => pyContains(v, call.args[0]),
  eq: (v, call) => pyEquals(v, call.args[0]),
  ne: (v, call) => !pyEquals(v, call.args[0]),
  lt: (v, call) => pyCompare(v, call.args[0], '<') < 0,
  le: (v, call) => pyCompare(v, call.args[0], '<=') <= 0,
  gt: (v, call) => pyCompare(v, call.args[0], '>') > 0,
  ge: (v, call) => pyCompare(v, call.args[0], '>=') >= 0,
  truthy: (v, call) => truthyTest(v, call),
  falsy: (v, call) => !truthyTest(v, call),
  succeeded: (v) => !truthy(result(v, 'failed').failed),
  failed: (v) => truthy(result(v, 'failed').failed),
  changed: (v) => changed(v),
  skipped: (v) => truthy(result(v, 'skipped').skipped),
  // async results: finished/started are 0 or 1; a task that was not async counts as both, as in Ansible
  finished: (v) => truthy(result(v, 'finished').finished ?? true),
  started: (v) => truthy(result(v, 'started').started ?? true),
  reachable: (v) => !truthy(result(v, 'reachable').unreachable),
  unreachable: (v) => truthy(result(v, 'unreachable').unreachable),
  divisibleby: (v, call) => Number(v) % integerArg(call, 'num') === 0,
  even: (v) => Number(v) % 2 === 0,
  odd: (v) => Math.abs(Number(v) % 2) === 1,
  lower: (v) => { const s = pyStr(v); return s === s.toLowerCase() && /\p{L}/u.test(s); },
  upper: (v) => { const s = pyStr(v); return s === s.toUpperCase() && /\p{L}/u.test(s); },
  subset: (v, call) => toList(v).every((x) => pyContains(toList(call.args[0]), x)),
  superset: (v, call) => toList(call.args[0]).every((x) => pyContains(toList(v), x)),
  abs: (v) => pyStr(v).startsWith('/'),
  any: (v) => toList(v).some(truthy),
  all: (v) => toList(v).every(truthy),
};

// Aliases as Jinja and Ansible name them
Object.assign(tests, {
  equalto: tests.eq, '==': tests.eq, '!=': tests.ne, '<': tests.lt, '<=': tests.le, '>': tests.gt, '>=': tests.ge,
  lessthan: tests.lt, greaterthan: tests.gt, success: tests.succeeded, succeed: tests.succeeded, successful: tests.succeeded, failure: tests.failed,
  fail: tests.failed, change: tests.changed, skip: tests.skipped, null: tests.none, regex_search: tests.search,
});
