/**
 * Text to bytes in a named encoding, for the template module's
 * `output_encoding` and the b64encode filter: UTF-8, UTF-16 and UTF-32
 * (Python's plain 'utf-16'/'utf-32' write a little-endian byte order mark
 * first), latin-1, ASCII and windows-1252. A character
 * the encoding lacks is an error, as Python's strict encoding makes it.
 */
import { TextDecoder } from 'node:util';
import { ModuleError } from '../errors.js';

/** windows-1252's bytes 0x80-0x9f (Python leaves 0x81, 0x8d, 0x8f, 0x90 and 0x9d undefined); the rest is latin-1. */
const CP1252_HIGH = '€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ';
const CP1252 = new Map<string, number>();
for (let byte = 0; byte < 256; byte++) {
  const ch = byte >= 0x80 && byte < 0xa0 ? CP1252_HIGH[byte - 0x80]! : String.fromCharCode(byte);
  if (ch !== '\0' || byte === 0) CP1252.set(ch, byte);
}

function byTable(text: string, encoding: string, byteOf: (ch: string) => number | undefined): Buffer {
  const bytes: number[] = [];
  for (const ch of text) {
    const byte = byteOf(ch);
    if (byte === undefined) throw new ModuleError(`'${encoding}' codec can't encode character '${ch}'`);
    bytes.push(byte);
  }
  return Buffer.from(bytes);
}

export function encodeText(text: string, encoding: string): Buffer {
  const name = encoding.trim().toLowerCase().replace(/_/g, '-');
  if (name === '' || name === 'utf-8' || name === 'utf8') return Buffer.from(text, 'utf8');
  const below = (max: number) => (ch: string) => (ch.codePointAt(0)! <= max ? ch.codePointAt(0) : undefined);
  if (['latin-1', 'latin1', 'iso-8859-1', 'iso8859-1', 'l1'].includes(name)) return byTable(text, encoding, below(0xff));
  if (name === 'ascii' || name === 'us-ascii') return byTable(text, encoding, below(0x7f));
  if (name === 'windows-1252' || name === 'cp1252') return byTable(text, encoding, (ch) => CP1252.get(ch));
  const wide = /^utf-?(16|32)(?:-?(le|be))?$/.exec(name);
  if (wide) return encodeWide(text, Number(wide[1]) as 16 | 32, wide[2] as 'le' | 'be' | undefined);
  throw new ModuleError(`unknown encoding: ${encoding} (utf-8, utf-16, utf-32, latin-1, ascii and windows-1252 are known)`);
}

function encodeWide(text: string, bits: 16 | 32, order: 'le' | 'be' | undefined): Buffer {
  const units: number[] = [];
  if (order === undefined) units.push(0xfeff);
  if (bits === 16) for (let i = 0; i < text.length; i++) units.push(text.charCodeAt(i));
  else for (const ch of text) units.push(ch.codePointAt(0)!);
  const size = bits / 8;
  const out = Buffer.alloc(units.length * size);
  units.forEach((unit, i) => {
    if (bits === 16) order === 'be' ? out.writeUInt16BE(unit, i * 2) : out.writeUInt16LE(unit, i * 2);
    else order === 'be' ? out.writeUInt32BE(unit, i * 4) : out.writeUInt32LE(unit, i * 4);
  });
  return out;
}

/** Bytes to text in a named encoding (what Python's bytes.decode gives, with U+FFFD for bytes that do not decode). */
export function decodeText(bytes: Uint8Array, encoding: string): string {
  const name = encoding.trim().toLowerCase().replace(/_/g, '-');
  const wide = /^utf-?32(?:-?(le|be))?$/.exec(name);
  if (wide) {
    const view = Buffer.from(bytes);
    let start = 0;
    let big = wide[1] === 'be';
    if (!wide[1] && view.length >= 4) {
      if (view.readUInt32LE(0) === 0xfeff) start = 4;
      else if (view.readUInt32BE(0) === 0xfeff) [start, big] = [4, true];
    }
    let out = '';
    for (let i = start; i + 4 <= view.length; i += 4) {
      const cp = big ? view.readUInt32BE(i) : view.readUInt32LE(i);
      out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
    }
    return out;
  }
  if (name === 'windows-1252' || name === 'cp1252') {
    return Array.from(bytes, (b) => (b >= 0x80 && b < 0xa0 && CP1252_HIGH[b - 0x80] !== '\0' ? CP1252_HIGH[b - 0x80]! : String.fromCharCode(b))).join('');
  }
  const utf16 = /^utf-?16(?:-?(le|be))?$/.exec(name);
  const label = utf16 ? `utf-16${utf16[1] ?? ''}` : name === 'latin1' || name === 'l1' || name === 'iso8859-1' ? 'latin1' : name;
  if (label === 'latin1' || label === 'latin-1' || label === 'iso-8859-1') return Array.from(bytes, (b) => String.fromCharCode(b)).join('');
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label === 'utf-16' ? 'utf-16le' : label);
  } catch {
    throw new ModuleError(`unknown encoding: ${encoding} (utf-8, utf-16, utf-32, latin-1, ascii and windows-1252 are known)`);
  }
  if (label === 'utf-16' && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return decoder.decode(bytes);
}
