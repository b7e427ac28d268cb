/**
 * Opens one authenticated ssh2 Client to one hop, verifying its host key, and
 * turns every way that can fail into a ConnectionError({unreachable: true})
 * that says what happened and what to do about it.
 */
import type { Duplex } from 'node:stream';
// ssh2 is CommonJS: its classes come through the default export under ESM.
import ssh2, { type Client, type ServerHostKeyAlgorithm } from 'ssh2';
import { ConnectionError } from '../errors.js';
import { quote } from '../shell/quote.js';
import { makeAuthenticator, type AuthSources } from './ssh-auth.js';
import {
  appendKnownHost,
  fingerprint,
  fingerprintOfEntry,
  keyTypeOfBlob,
  recordedKeyTypes,
  verifyHostKey,
  type KnownHostEntry,
} from './known-hosts.js';

export interface HostKeyPolicy {
  entries: KnownHostEntry[];
  /** where a newly accepted key is written; undefined: accept without recording */
  recordFile: string | undefined;
  acceptNew: boolean;
}

export interface HopTarget {
  address: string;
  port: number;
  username: string;
  /** names looked up in known_hosts: `host` or `[host]:port`, or the HostKeyAlias */
  keyNames: string[];
  auth: AuthSources;
  hostKeys: HostKeyPolicy;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** a stream through a jump host or ProxyCommand instead of TCP */
  sock?: Duplex;
}

const ALL_HOST_KEY_TYPES: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];

/** Ask for a recorded key type first, as OpenSSH does, so a known host is not taken for a new one. */
function hostKeyOrder(recorded: string[]): ServerHostKeyAlgorithm[] {
  const wanted = new Set<string>();
  for (const type of recorded) {
    if (type === 'ssh-rsa') ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].forEach((t) => wanted.add(t));
    else wanted.add(type);
  }
  const first = ALL_HOST_KEY_TYPES.filter((t) => wanted.has(t));
  return [...first, ...ALL_HOST_KEY_TYPES.filter((t) => !wanted.has(t))];
}

function where(entry: KnownHostEntry): string {
  return `${entry.file}:${entry.line}`;
}

/** Decides on a presented key; resolves with an error to refuse it. */
async function judgeHostKey(target: HopTarget, blob: Buffer): Promise<ConnectionError | undefined> {
  const { hostKeys, keyNames } = target;
  const name = keyNames[0] as string;
  const verdict = verifyHostKey(hostKeys.entries, keyNames, blob);
  const fp = fingerprint(blob);
  switch (verdict.status) {
    case 'known':
      return undefined;
    case 'revoked':
      return new ConnectionError(
        `host key ${fp} of ${name} is marked @revoked in ${where(verdict.entry)}; refusing to connect`,
        { unreachable: true },
      );
    case 'changed':
      return new ConnectionError(
        [
          `REMOTE HOST IDENTIFICATION HAS CHANGED for ${name}!`,
          ...verdict.recorded.map((e) => `  recorded: ${e.keyType} ${fingerprintOfEntry(e)} (${where(e)})`),
          `  offered:  ${keyTypeOfBlob(blob)} ${fp}`,
          'Someone could be intercepting the connection, or the host was reinstalled.',
          `If the change is expected, remove the old key: ssh-keygen -R ${quote(name)}` +
            (verdict.entry.file.endsWith('known_hosts') ? ` -f ${quote(verdict.entry.file)}` : ''),
        ].join('\n'),
        { unreachable: true },
      );
    case 'unknown':
      break;
  }
  if (!hostKeys.acceptNew) {
    const scanPort = target.port === 22 ? '' : `-p ${target.port} `;
    return new ConnectionError(
      `host key of ${name} is not known (${fp}); to trust it, run with --accept-new-host-keys, ` +
        `or: ssh-keyscan ${scanPort}${quote(target.address)} >> ~/.ssh/known_hosts`,
      { unreachable: true },
    );
  }
  if (hostKeys.recordFile) {
    await appendKnownHost(hostKeys.recordFile, name, blob);
    // Later hops and reconnections in this run see the key as recorded.
    hostKeys.entries.push({
      file: hostKeys.recordFile, line: 0, marker: undefined, hosts: name,
      keyType: keyTypeOfBlob(blob), key: blob.toString('base64'),
    });
  }
  return undefined;
}

function describeFailure(error: Error & { level?: string; code?: string }, target: HopTarget, tried: string[]): string {
  const who = `${target.username}@${target.address}:${target.port}`;
  switch (error.code) {
    case 'ECONNREFUSED': return `connection refused by ${target.address}:${target.port} (is sshd running?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return `cannot resolve host name ${target.address}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH': return `no route to ${target.address}`;
    case 'ETIMEDOUT': return `timed out connecting to ${target.address}:${target.port}`;
    case 'ECONNRESET':
      return `${target.address}:${target.port} reset the connection during the handshake ` +
        '(sshd MaxStartups drops handshakes beyond 10 at once; lower --forks?)';
  }
  if (error.level === 'client-timeout') {
    return `timed out after ${target.connectTimeoutMs / 1000} s waiting for the ssh handshake with ${target.address}:${target.port}`;
  }
  if (error.level === 'client-authentication') {
    return `authentication failed for ${who} (tried: ${tried.length ? tried.join(', ') : 'no usable method: give a key, an agent or a password'})`;
  }
  return `cannot connect to ${who}: ${error.message}`;
}

export async function connectHop(target: HopTarget): Promise<Client> {
  const authenticator = await makeAuthenticator(target.auth, `${target.address}:${target.port}`);
  const recorded = recordedKeyTypes(target.hostKeys.entries, target.keyNames);
  const client = new ssh2.Client();
  let refusal: ConnectionError | undefined;
  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const fail = (error: ConnectionError): void => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    client.on('error', (error: Error & { level?: string }) => {
      // A missing agent socket is one failed method, not a failed connection.
      if (error.level === 'agent') return;
      if (refusal) return fail(refusal);
      fail(new ConnectionError(describeFailure(error, target, authenticator.tried), { unreachable: true, cause: error }));
    });
    client.on('close', () => {
      if (!settled) fail(refusal ?? new ConnectionError(`${target.address}:${target.port} closed the connection during the handshake`, { unreachable: true }));
    });
    client.connect({
      host: target.address,
      port: target.port,
      username: target.username,
      sock: target.sock,
      readyTimeout: target.connectTimeoutMs,
      keepaliveInterval: target.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      authHandler: authenticator.handler,
      algorithms: { serverHostKey: hostKeyOrder(recorded) },
      hostVerifier: (blob: Buffer, verify: (valid: boolean) => void) => {
        judgeHostKey(target, blob).then(
          (error) => {
            refusal = error;
            verify(error === undefined);
          },
          (error: Error) => {
            refusal = new ConnectionError(`cannot record the host key: ${error.message}`, { unreachable: true, cause: error });
            verify(false);
          },
        );
      },
    });
  });
}

/** A TCP-like stream to `host:port` opened by `via`, for the next hop's `sock`. */
export function forwardThrough(via: Client, host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
      if (error) {
        reject(new ConnectionError(`the jump host could not reach ${host}:${port}: ${error.message}`, { unreachable: true, cause: error }));
      } else {
        resolve(stream);
      }
    });
  });
}
