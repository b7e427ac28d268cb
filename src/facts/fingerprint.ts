/**
 * `fingerprint`: what a set of paths is, in one round trip, so the journal
 * can record what a run left on a host and undo can check, before it takes a
 * change back, that the host still holds exactly that. A regular file is
 * known by its sha256, a link by a hash of its target; every kind by its
 * mode and numeric owner and group. A directory's content is not hashed:
 * its own entry (type, mode, owner) is what a change of it leaves.
 */
import { quote } from '../shell/quote.js';
import { defineFact, FactError } from './types.js';

export type PathKind = 'absent' | 'file' | 'directory' | 'link' | 'other';

export interface Fingerprint {
  type: PathKind;
  /** permission bits in octal as stat prints them (`644`, `4755`); absent paths have none */
  mode?: string;
  uid?: number;
  gid?: number;
  /** sha256 of a file's bytes or of a link's target; '?' when the file could not be read */
  hash?: string;
}

/** Prints one line per path: `type mode uid gid hash`, or `absent`. */
const SCRIPT = [
  'for p do',
  '  if [ -L "$p" ]; then t=link; h=$(readlink -- "$p" | sha256sum | cut -c1-64)',
  '  elif [ -f "$p" ]; then t=file; h=$(sha256sum < "$p" 2>/dev/null | cut -c1-64); [ -n "$h" ] || h=?',
  '  elif [ -d "$p" ]; then t=directory; h=-',
  '  elif [ -e "$p" ]; then t=other; h=-',
  '  else echo absent; continue; fi',
  '  a=$(stat -c "%a %u %g" -- "$p" 2>/dev/null) || a="? ? ?"',
  '  echo "$t $a $h"',
  'done',
].join('\n');

export const fingerprintFact = defineFact<readonly string[], Fingerprint[]>({
  name: 'fingerprint',
  command: (paths) => `set -- ${paths.map((p) => quote(p)).join(' ')}\n${SCRIPT}`,
  parse(out, paths) {
    const lines = out.stdout.split('\n').filter((l) => l !== '');
    if (out.rc !== 0 || lines.length !== paths.length) {
      throw new FactError(`cannot read what ${paths.join(', ')} hold: ${out.stderr.trim() || `${lines.length} answers for ${paths.length} paths`}`, out.rc);
    }
    return lines.map(parseLine);
  },
});

function parseLine(line: string): Fingerprint {
  if (line === 'absent') return { type: 'absent' };
  const [type, mode, uid, gid, hash] = line.split(' ');
  const number = (s: string | undefined) => (s === undefined || s === '?' ? undefined : Number(s));
  return {
    type: (type ?? 'other') as PathKind,
    ...(mode && mode !== '?' ? { mode } : {}),
    ...(number(uid) !== undefined ? { uid: number(uid) } : {}),
    ...(number(gid) !== undefined ? { gid: number(gid) } : {}),
    ...(hash && hash !== '-' ? { hash } : {}),
  };
}

/** Where two fingerprints of one path differ, in words; undefined when they agree. */
export function fingerprintDifference(expected: Fingerprint, found: Fingerprint): string | undefined {
  if (expected.type !== found.type) return `it is ${describeKind(found.type)}, not ${describeKind(expected.type)}`;
  if (expected.type === 'absent') return undefined;
  const hashKnown = expected.hash !== undefined && expected.hash !== '?' && found.hash !== undefined && found.hash !== '?';
  if (hashKnown && expected.hash !== found.hash) return expected.type === 'link' ? 'the link points elsewhere' : 'its content differs';
  if (expected.mode !== undefined && found.mode !== undefined && expected.mode !== found.mode) return `its mode is ${found.mode}, not ${expected.mode}`;
  if (expected.uid !== found.uid || expected.gid !== found.gid) return `its owner is ${found.uid}:${found.gid}, not ${expected.uid}:${expected.gid}`;
  return undefined;
}

export function describeKind(type: PathKind): string {
  return type === 'absent' ? 'absent' : type === 'other' ? 'a special file' : `a ${type}`;
}
