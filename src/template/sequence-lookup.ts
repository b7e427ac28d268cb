/**
 * The sequence lookup (`with_sequence`, `query('sequence', ...)`) as
 * ansible-core reads its terms: `start=1 end=5 stride=2 format=node%02d`,
 * `count=3`, or the shorthand `[start-]end[/stride][:format]`. Numbers are
 * read as Python's int(text, 0) reads them (0x, 0o, 0b); items are strings.
 * Errors carry ansible-core's own messages.
 */
import { parseKeyValue } from '../common/kv.js';
import { percentFormat } from './python-format.js';
import { pyStr } from './python-values.js';
import { TemplateRuntimeError } from './undefined.js';

interface Sequence {
  start: number;
  end?: number;
  count?: number;
  stride: number;
  format: string;
}

const NUM = '(0?x?[0-9a-f]+)';
const SHORTHAND = new RegExp(`^(${NUM}-)?${NUM}(/${NUM})?(:(.+))?$`, 'is');

const fail = (msg: string): never => {
  throw new TemplateRuntimeError(msg);
};

/** Python's int(text, 0); undefined where Python raises ValueError. */
export function pythonInt(text: string): number | undefined {
  const m = /^\s*([-+]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?0)*|[1-9](?:_?\d)*)\s*$/.exec(text);
  if (!m) return undefined;
  const body = (m[2] as string).replace(/_/g, '').toLowerCase();
  const radix = body.startsWith('0x') ? 16 : body.startsWith('0o') ? 8 : body.startsWith('0b') ? 2 : 10;
  const n = parseInt(radix === 10 ? body : body.slice(2), radix);
  return m[1] === '-' ? -n : n;
}

function integer(name: string, text: string): number {
  return pythonInt(text) ?? fail(`can't parse ${name}=${text} as integer`);
}

/** The shorthand form, or undefined when the term is not one. */
function parseShorthand(term: string): Sequence | undefined {
  const m = SHORTHAND.exec(term);
  if (!m) return undefined;
  const seq: Sequence = { start: 1, stride: 1, format: '%d' };
  if (m[2] !== undefined) seq.start = integer('start', m[2]);
  seq.end = integer('end', m[3] as string);
  if (m[5] !== undefined) seq.stride = integer('stride', m[5]);
  if (m[7] !== undefined) seq.format = m[7];
  return seq;
}

function parseKeywords(term: string): Sequence {
  const seq: Sequence = { start: 1, stride: 1, format: '%d' };
  let args: Record<string, unknown>;
  try {
    args = parseKeyValue(term);
  } catch (error) {
    return fail(`unknown error parsing with_sequence arguments: '${term}'. Error was: ${(error as Error).message}`);
  }
  const rest = { ...args };
  for (const key of ['start', 'end', 'count', 'stride'] as const) {
    if (rest[key] === undefined) continue;
    seq[key] = integer(key, pyStr(rest[key]));
    delete rest[key];
  }
  if (rest.format !== undefined) seq.format = pyStr(rest.format);
  delete rest.format;
  const unknown = Object.keys(rest);
  if (unknown.length) fail(`unrecognized arguments to with_sequence: [${unknown.map((k) => `'${k}'`).join(', ')}]`);
  return seq;
}

function sequenceOf(term: string): string[] {
  const seq = parseShorthand(term) ?? parseKeywords(term);
  if (seq.count === undefined && seq.end === undefined) fail('must specify count or end in with_sequence');
  if (seq.count !== undefined && seq.end !== undefined) fail("can't specify both count and end in with_sequence");
  let { start, stride } = seq;
  let end = seq.end ?? 0;
  if (seq.count !== undefined) {
    if (seq.count === 0) [start, end, stride] = [0, 0, 0];
    else end = start + seq.count * stride - 1;
  }
  if (stride > 0 && end < start) fail('to count backwards make stride negative');
  if (stride < 0 && end > start) fail("to count forward don't make stride negative");
  if ((seq.format.match(/%/g) ?? []).length !== 1) fail(`bad formatting string: ${seq.format}`);
  if (stride === 0) return [];
  const out: string[] = [];
  const stop = end + (stride > 0 ? 1 : -1);
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) {
    try {
      out.push(percentFormat(seq.format, i));
    } catch {
      fail(`problem formatting ${i} with '${seq.format}'`);
    }
    if (out.length > 100_000) fail('with_sequence: more than 100000 items');
  }
  return out;
}

/** Every term's sequence, one after the other. */
export function sequenceLookup(terms: unknown): string[] {
  const list = Array.isArray(terms) ? terms : [terms];
  return list.flatMap((term) => sequenceOf(pyStr(term)));
}
