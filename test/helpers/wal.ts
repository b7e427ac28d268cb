/**
 * A corrupt WAL, as a power cut can leave it: one byte flipped inside a
 * record in the middle of the newest WAL file, so that etcd's replay of it
 * fails its CRC check (`walpb: crc mismatch`). The file is edited on the
 * machine's disk (its overlay upper layer) while the machine is off.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Each record: an 8-byte little-endian length field (the data's length in
 * the low 56 bits; with the top bit set, bits 56-58 count the padding after
 * it), then the data and its padding.
 */
function recordOffsets(buf: Buffer): Array<{ start: number; length: number }> {
  const out: Array<{ start: number; length: number }> = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const field = buf.readBigUInt64LE(at);
    const length = Number(field & 0x00ffffffffffffffn);
    const padding = field >> 63n ? Number((field >> 56n) & 0x7n) : 0;
    if (length === 0 || at + 8 + length + padding > buf.length) break;
    out.push({ start: at + 8, length });
    at += 8 + length + padding;
  }
  return out;
}

/**
 * Flips the last byte of the middle record of the newest .wal file under
 * `walDir`; returns the file and offset. A record is walpb.Record (type,
 * crc, data), data last: its last byte is payload, which etcd checks
 * against the CRC before decoding it. A byte in the record's own fields
 * would fail as a protobuf decode error instead.
 */
export function corruptWal(walDir: string): { file: string; offset: number; records: number } {
  const wals = readdirSync(walDir).filter((f) => f.endsWith('.wal')).sort();
  const newest = wals.at(-1);
  if (!newest) throw new Error(`no WAL file in ${walDir}`);
  const file = path.join(walDir, newest);
  const buf = readFileSync(file);
  const records = recordOffsets(buf);
  if (records.length < 10) throw new Error(`${file} has only ${records.length} records`);
  const victim = records[Math.floor(records.length / 2)] as { start: number; length: number };
  const offset = victim.start + victim.length - 1;
  buf[offset] = (buf[offset] as number) ^ 0xff;
  writeFileSync(file, buf);
  return { file, offset, records: records.length };
}
