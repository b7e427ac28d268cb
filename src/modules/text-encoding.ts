/**
 * Text to bytes in a named encoding, for the template module's
 * `output_encoding`: UTF-8, latin-1, ASCII and windows-1252. A character
 * the encoding lacks is an error, as Python's strict encoding makes it.
 */
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
  throw new ModuleError(`output_encoding '${encoding}' is not supported (utf-8, latin-1, ascii and windows-1252 are)`);
}
