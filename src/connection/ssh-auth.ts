/**
 * Authentication in OpenSSH's order: the identity files named for the host,
 * the agent, the default identity files, then a password (also offered as
 * keyboard-interactive, which PAM-enabled servers often require).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type AuthenticationType, type AuthHandlerMiddleware, type ParsedKey } from 'ssh2';
import { ConnectionError } from '../errors.js';

export interface AuthSources {
  username: string;
  /** explicit identity files (inventory, -i, IdentityFile), in order */
  identityFiles: string[];
  /** when no identity file is named, try ~/.ssh/id_* as OpenSSH does */
  tryDefaultIdentities: boolean;
  agentSocket?: string;
  password?: string;
  askPassword?: (prompt: string) => Promise<string>;
  passphrase?: string;
  askPassphrase?: (keyFile: string) => Promise<string>;
}

type Method =
  | { type: 'publickey'; label: string; key: ParsedKey }
  | { type: 'agent'; label: string; socket: string }
  | { type: 'password'; label: string };

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function isEncryptedKeyError(error: Error): boolean {
  return /encrypted|passphrase/i.test(error.message);
}

/** Parses a key file, asking for its passphrase when it is encrypted. */
async function loadKey(file: string, sources: AuthSources, explicit: boolean): Promise<ParsedKey | undefined> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (cause) {
    if (!explicit) return undefined;
    throw new ConnectionError(`cannot read private key ${file}: ${(cause as Error).message}`, { unreachable: true, cause });
  }
  let parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error && isEncryptedKeyError(parsed)) {
    const passphrase = sources.passphrase ?? process.env.EZPLAY_SSH_PASSPHRASE ??
      (sources.askPassphrase && explicit ? await sources.askPassphrase(file) : undefined);
    if (passphrase === undefined) {
      if (!explicit) return undefined;
      throw new ConnectionError(
        `private key ${file} is encrypted: give its passphrase (EZPLAY_SSH_PASSPHRASE or the passphrase prompt)`,
        { unreachable: true },
      );
    }
    parsed = ssh2.utils.parseKey(data, passphrase);
    if (parsed instanceof Error) {
      throw new ConnectionError(`cannot decrypt private key ${file}: wrong passphrase?`, { unreachable: true });
    }
  }
  if (parsed instanceof Error) {
    if (!explicit) return undefined;
    throw new ConnectionError(`cannot read private key ${file}: ${parsed.message}`, { unreachable: true });
  }
  return Array.isArray(parsed) ? parsed[0] : parsed;
}

async function gatherMethods(sources: AuthSources): Promise<Method[]> {
  const methods: Method[] = [];
  for (const file of sources.identityFiles) {
    const key = await loadKey(file, sources, true);
    if (key) methods.push({ type: 'publickey', label: `publickey ${file}`, key });
  }
  if (sources.agentSocket) methods.push({ type: 'agent', label: `agent ${sources.agentSocket}`, socket: sources.agentSocket });
  if (sources.tryDefaultIdentities) {
    for (const name of DEFAULT_IDENTITIES) {
      const file = join(homedir(), '.ssh', name);
      if (!existsSync(file)) continue;
      const key = await loadKey(file, sources, false);
      if (key) methods.push({ type: 'publickey', label: `publickey ${file}`, key });
    }
  }
  if (sources.password !== undefined || sources.askPassword) methods.push({ type: 'password', label: 'password' });
  return methods;
}

export interface Authenticator {
  handler: AuthHandlerMiddleware;
  /** what was tried, for the error message when everything fails */
  tried: string[];
}

/** An ssh2 authHandler walking our methods, skipping those the server refuses outright. */
export async function makeAuthenticator(sources: AuthSources, target: string): Promise<Authenticator> {
  const methods = await gatherMethods(sources);
  const tried: string[] = [];
  let index = 0;
  let password = sources.password;
  let passwordAsked = false;
  const getPassword = async (): Promise<string> => {
    if (password === undefined && sources.askPassword && !passwordAsked) {
      passwordAsked = true;
      password = await sources.askPassword(`${sources.username}@${target}'s password: `);
    }
    return password ?? '';
  };
  // keyboard-interactive follows password for servers that only offer it
  const queue: Array<Method | { type: 'keyboard-interactive'; label: string }> = [];
  for (const m of methods) {
    queue.push(m);
    if (m.type === 'password') queue.push({ type: 'keyboard-interactive', label: 'keyboard-interactive' });
  }
  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    const allowed = (type: AuthenticationType): boolean => !methodsLeft || methodsLeft.includes(type);
    const username = sources.username;
    const step = (): void => {
      const method = queue[index++];
      if (!method) return next(false as never);
      const type: AuthenticationType = method.type === 'agent' ? 'publickey' : method.type;
      if (!allowed(type)) return step();
      tried.push(method.label);
      switch (method.type) {
        case 'publickey': return next({ type: 'publickey', username, key: method.key });
        case 'agent': return next({ type: 'agent', username, agent: method.socket });
        case 'password':
          void getPassword().then((pw) => next({ type: 'password', username, password: pw }));
          return;
        case 'keyboard-interactive':
          return next({
            type: 'keyboard-interactive',
            username,
            prompt: (_name, _instructions, _lang, prompts, finish) => {
              void getPassword().then((pw) => finish(prompts.map(() => pw)));
            },
          });
      }
    };
    step();
  };
  return { handler, tried };
}
