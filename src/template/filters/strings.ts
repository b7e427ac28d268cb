/** Filters on text: case, whitespace, regular expressions, encodings, paths, hashes. */
import { createHash } from 'node:crypto';
import { ModuleError } from '../../errors.js';
import { decodeText, encodeText } from '../../modules/text-encoding.js';
import { quote } from '../../shell/quote.js';
import { param } from '../call-args.js';
import { pySplit, strMethod } from '../python-methods.js';
import { pythonEscape, pythonRegex, pythonSub, type RegexOptions } from '../python-regex.js';
import { pyClass, pyStr, truthy, typeName } from '../python-values.js';
import { FilterError, TemplateRuntimeError } from '../undefined.js';
import type { CallArgs } from '../call-args.js';
import type { ImplTable } from './registry.js';

/** Python's str.splitlines(): no empty entry after a final line break. */
export function splitLines(s: string): string[] {
  const lines = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function indent(s: string, width: unknown, first: unknown, blank: unknown): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const lines = splitLines(`${s}\n`);
  let out: string;
  if (truthy(blank)) out = lines.join(`\n${pad}`);
  else {
    out = lines.shift() ?? '';
    if (lines.length) out += `\n${lines.map((line) => (line ? pad + line : line)).join('\n')}`;
  }
  return truthy(first) ? pad + out : out;
}

function regexOptions(call: CallArgs, ignoreIndex: number, multiIndex: number): RegexOptions {
  return { ignorecase: truthy(param(call, ignoreIndex, 'ignorecase', false)), multiline: truthy(param(call, multiIndex, 'multiline', false)) };
}

function regexSearch(value: string, call: CallArgs): unknown {
  const pattern = pyStr(call.args[0]);
  const groups = call.args.slice(1).map((arg) => {
    const text = pyStr(arg);
    const named = /^\\g<(\S+)>$/.exec(text);
    if (named) return named[1]!;
    const numbered = /^\\(\d+)$/.exec(text);
    if (numbered) return Number(numbered[1]);
    throw new TemplateRuntimeError(`Unknown argument ${JSON.stringify(text)} to regex_search`);
  });
  const m = pythonRegex(pattern, { ignorecase: truthy(call.kwargs.ignorecase), multiline: truthy(call.kwargs.multiline) }).exec(value);
  if (!m) return null;
  if (!groups.length) return m[0];
  return groups.map((g) => (typeof g === 'number' ? m[g] : m.groups?.[g]) ?? null);
}

function regexFindall(value: string, call: CallArgs): unknown[] {
  const re = pythonRegex(pyStr(call.args[0]), { ...regexOptions(call, 2, 1), global: true });
  const out: unknown[] = [];
  for (let m = re.exec(value); m; m = re.exec(value)) {
    if (m[0] === '') re.lastIndex++;
    const groups = m.slice(1).map((g) => g ?? '');
    out.push(groups.length === 0 ? m[0] : groups.length === 1 ? groups[0] : groups);
  }
  return out;
}

function title(s: string): string {
  return s.split(/([-\s({[<]+)/).filter(Boolean).map((item) => item.charAt(0).toUpperCase() + item.slice(1).toLowerCase()).join('');
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function dirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

function splitext(p: string): [string, string] {
  const sep = p.lastIndexOf('/');
  const dot = p.lastIndexOf('.');
  if (dot > sep) {
    for (let i = sep + 1; i < dot; i++) if (p[i] !== '.') return [p.slice(0, dot), p.slice(dot)];
  }
  return [p, ''];
}

function pathJoin(parts: unknown): string {
  if (typeof parts !== 'string' && !Array.isArray(parts)) throw new TemplateRuntimeError(`|path_join expects string or sequence, got ${pyClass(parts)} instead.`);
  const list = Array.isArray(parts) ? parts.map(pyStr) : [parts];
  let out = '';
  for (const part of list) {
    if (part.startsWith('/') || out === '') out = part;
    else out += (out.endsWith('/') ? '' : '/') + part;
  }
  return out;
}

function digest(algorithm: string, text: string): string {
  try {
    return createHash(algorithm).update(text, 'utf8').digest('hex');
  } catch {
    throw new TemplateRuntimeError(`unsupported hash type ${algorithm}`);
  }
}

// Ansible's namespace for to_uuid
const ANSIBLE_UUID_NAMESPACE = '361E6D51-FAEC-444A-9079-341386DA8E2E';

/** A namespace as Python's uuid.UUID(text) reads it: braces, 'urn:uuid:' and hyphens aside, 32 hex digits. */
function uuidNamespace(namespace: unknown): string {
  const fail = (why: string) => new FilterError(`Invalid value '${pyStr(namespace)}' for 'namespace': ${why}`);
  if (typeof namespace !== 'string') throw fail(`'${typeName(namespace)}' object has no attribute 'replace'`);
  const hex = namespace.replace(/^urn:/, '').replace(/^uuid:/, '').replace(/^\{|\}$/g, '').replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw fail('badly formed hexadecimal UUID string');
  return hex;
}

/** uuid5 (SHA-1, name-based). */
function toUuid(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const text = (value: unknown): string => pyStr(value);

/** A codec's failure (unknown encoding, a character it lacks) as a template error. */
function inEncoding<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ModuleError) throw new TemplateRuntimeError(error.message);
    throw error;
  }
}

export const stringFilters: ImplTable = {
  lower: (v) => text(v).toLowerCase(),
  upper: (v) => text(v).toUpperCase(),
  capitalize: (v) => text(v).charAt(0).toUpperCase() + text(v).slice(1).toLowerCase(),
  title: (v) => title(text(v)),
  trim: (v, call) => strMethod(text(v), 'strip')!(param(call, 0, 'chars', undefined)),
  replace: (v, call) => strMethod(text(v), 'replace')!(call.args[0], call.args[1], param(call, 2, 'count', undefined)),
  split: (v, call) => pySplit(text(v), param(call, 0, 'sep', undefined), param(call, 1, 'maxsplit', undefined)),
  indent: (v, call) => indent(text(v), param(call, 0, 'width', 4), param(call, 1, 'first', false), param(call, 2, 'blank', false)),
  center: (v, call) => strMethod(text(v), 'center')!(param(call, 0, 'width', 80)),
  wordcount: (v) => (text(v).match(/\w+/gu) ?? []).length,
  regex_replace: (v, call) => pythonSub(text(v), pyStr(param(call, 0, 'pattern', '')), pyStr(param(call, 1, 'replacement', '')), regexOptions(call, 2, 3), Number(param(call, 4, 'count', 0))),
  regex_search: (v, call) => regexSearch(text(v), call),
  regex_findall: (v, call) => regexFindall(text(v), call),
  regex_escape: (v, call) => {
    const reType = pyStr(param(call, 0, 're_type', 'python'));
    if (reType === 'python') return pythonEscape(text(v));
    // POSIX basic regular expressions: ] . [ ^ $ * and \ are special
    if (reType === 'posix_basic') return text(v).replace(/[\].[^$*\\]/g, '\\$&');
    if (reType === 'posix_extended') throw new FilterError(`Regex type (${reType}) not yet implemented`);
    throw new FilterError(`Invalid regex type (${reType})`);
  },
  b64encode: (v, call) => inEncoding(() => encodeText(text(v), pyStr(param(call, 0, 'encoding', 'utf-8'))).toString('base64')),
  b64decode: (v, call) => inEncoding(() => decodeText(Buffer.from(text(v), 'base64'), pyStr(param(call, 0, 'encoding', 'utf-8')))),
  hash: (v, call) => digest(pyStr(param(call, 0, 'hashtype', 'sha1')), text(v)),
  checksum: (v) => digest('sha1', text(v)),
  sha1: (v) => digest('sha1', text(v)),
  md5: (v) => digest('md5', text(v)),
  to_uuid: (v, call) => toUuid(text(v), uuidNamespace(param<unknown>(call, 0, 'namespace', ANSIBLE_UUID_NAMESPACE))),
  quote: (v) => quote(v === null ? '' : text(v)),
  basename: (v) => basename(text(v)),
  dirname: (v) => dirname(text(v)),
  splitext: (v) => splitext(text(v)),
  path_join: (v) => pathJoin(v),
};
