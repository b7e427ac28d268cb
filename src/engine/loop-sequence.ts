/**
 * with_sequence as Ansible's sequence lookup reads it: `start=1 end=5
 * stride=2 format=node%02d`, `count=3`, or the shorthand
 * `[start-]end[/stride][:format]`; numbers may be hexadecimal (0x) or
 * octal (0o, 0). Items are strings.
 */
import { percentFormat } from '../template/python-format.js';
import { parseKeyValue } from '../load/kv.js';

interface Sequence {
  start: number;
  end?: number;
  count?: number;
  stride: number;
  format: string;
}

const NUM = '(0?x?[0-9a-f]+)';
const SHORTHAND = new RegExp(`^(${NUM}-)?${NUM}(/${NUM})?(:(.+))?$`, 'i');

/** Python's int(text, 0) for the forms the lookup accepts. */
function toInt(text: string, fail: (msg: string) => never): number {
  const t = text.trim().toLowerCase();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[-+]/, '');
  let n: number;
  if (/^0x[0-9a-f]+$/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0o[0-7]+$/.test(body)) n = parseInt(body.slice(2), 8);
  else if (/^0[0-7]+$/.test(body)) n = parseInt(body.slice(1), 8);
  else if (/^\d+$/.test(body)) n = parseInt(body, 10);
  else return fail(`with_sequence: can't parse ${text} as an integer`);
  return sign * n;
}

function parseTerm(term: string, fail: (msg: string) => never): Sequence {
  const seq: Sequence = { start: 1, stride: 1, format: '%d' };
  const shorthand = SHORTHAND.exec(term.trim());
  if (shorthand && !term.includes('=')) {
    if (shorthand[2] !== undefined) seq.start = toInt(shorthand[2], fail);
    seq.end = toInt(shorthand[3] as string, fail);
    if (shorthand[5] !== undefined) seq.stride = toInt(shorthand[5], fail);
    if (shorthand[7] !== undefined) seq.format = shorthand[7];
    return seq;
  }
  let args: Record<string, unknown>;
  try {
    args = parseKeyValue(term);
  } catch (error) {
    return fail(`with_sequence: ${(error as Error).message}`);
  }
  for (const [key, value] of Object.entries(args)) {
    if (key === 'start' || key === 'end' || key === 'count' || key === 'stride') seq[key] = toInt(String(value), fail);
    else if (key === 'format') seq.format = String(value);
    else fail(`unrecognized arguments to with_sequence: ['${key}']`);
  }
  return seq;
}

export function sequenceItems(term: string, fail: (msg: string) => never): string[] {
  const seq = parseTerm(term, fail);
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
    out.push(percentFormat(seq.format, i));
    if (out.length > 100_000) fail('with_sequence: more than 100000 items');
  }
  return out;
}
