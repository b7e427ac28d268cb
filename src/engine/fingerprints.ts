/** Reads the fingerprints of a change's paths on its host, in one round trip (facts/fingerprint.ts). */
import type { Become, Connection } from '../connection/types.js';
import { fingerprintFact } from '../facts/fingerprint.js';
import type { PathStates } from './path-states.js';

export async function readFingerprints(conn: Connection, paths: readonly string[], become: Become | undefined): Promise<PathStates> {
  if (paths.length === 0) return {};
  const out = await conn.exec(fingerprintFact.command(paths), become ? { become } : {});
  const found = fingerprintFact.parse(out, paths);
  return Object.fromEntries(paths.map((p, i) => [p, found[i]!]));
}

/** The same, or undefined when the host cannot tell (a lost connection): the journal then records no state. */
export async function tryFingerprints(conn: Connection, paths: readonly string[] | undefined, become: Become | undefined): Promise<PathStates | undefined> {
  if (!paths?.length) return undefined;
  try {
    return await readFingerprints(conn, paths, become);
  } catch {
    return undefined;
  }
}
