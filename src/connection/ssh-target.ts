/**
 * Turns an inventory ConnectionSpec plus the run's SshOptions into the hops
 * to dial: zero or more jump hosts, then the target, each with its own
 * credentials and host-key policy.
 */
import { spawn } from 'node:child_process';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import type { ConnectionSpec } from './types.js';
import { hostKeyName, readKnownHostsFiles } from './known-hosts.js';
import type { HopTarget, HostKeyPolicy } from './ssh-connect.js';
import {
  expandTokens,
  loadSshConfig,
  mergeSettings,
  parseProxyJump,
  parseSshCommonArgs,
  settingsFromConfig,
  type SshSettings,
} from './ssh-config.js';

/** Run-wide settings, the same for every host. */
export interface SshOptions {
  /** record unknown host keys on first use (a changed key is still refused) */
  acceptNewHostKeys?: boolean;
  /** asked for a login password when the inventory gives none */
  askPassword?: (prompt: string) => Promise<string>;
  /** asked for the passphrase of an encrypted private key */
  askPassphrase?: (keyFile: string) => Promise<string>;
  /** passphrase for encrypted keys; EZPLAY_SSH_PASSPHRASE otherwise */
  passphrase?: string;
  /** ssh-agent socket; default SSH_AUTH_SOCK, null for none */
  agentSocket?: string | null;
  /** default ~/.ssh/config */
  sshConfigPath?: string;
  /** default ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts */
  knownHostsFiles?: string[];
  /** default 10 s */
  connectTimeoutMs?: number;
  /** default for every command without its own timeoutMs; none when absent */
  commandTimeoutMs?: number;
  /** default 15 s; 0 disables */
  keepaliveIntervalMs?: number;
  /** persistent shells per host, default 4 (OpenSSH allows 10 sessions) */
  maxShells?: number;
}

export interface DialPlan {
  hops: HopTarget[];
  /** a command whose stdin/stdout reach the first hop, from ProxyCommand */
  proxyCommand?: string;
  /** the login user on the target, to know when sudo can be skipped */
  user: string;
}

const SSH_DIR = join(homedir(), '.ssh');

function acceptsNew(strict: string | undefined): boolean {
  return strict === 'no' || strict === 'off' || strict === 'accept-new';
}

export async function planDial(spec: ConnectionSpec, options: SshOptions): Promise<DialPlan> {
  const args = parseSshCommonArgs(spec.sshCommonArgs);
  const config = await loadSshConfig(args.configFile ?? options.sshConfigPath ?? join(SSH_DIR, 'config'));
  const explicit: SshSettings = {
    port: spec.port,
    user: spec.user,
    identityFiles: spec.privateKeyFile ? [spec.privateKeyFile] : undefined,
  };
  const target = mergeSettings(explicit, args, settingsFromConfig(config, spec.address));

  const userFiles = target.userKnownHostsFiles ?? options.knownHostsFiles ?? [join(SSH_DIR, 'known_hosts')];
  const systemFiles = options.knownHostsFiles ? [] : ['/etc/ssh/ssh_known_hosts'];
  const tokens = { host: spec.address, port: target.port ?? 22, user: target.user ?? userInfo().username };
  const files = [spec.knownHostsFile, ...userFiles, ...systemFiles]
    .filter((f): f is string => !!f)
    .map((f) => expandTokens(f, tokens));
  const hostKeys: HostKeyPolicy = {
    entries: await readKnownHostsFiles(files),
    recordFile: files[0],
    acceptNew: !!(options.acceptNewHostKeys || spec.acceptNewHostKeys || spec.hostKeyChecking === false ||
      acceptsNew(target.strictHostKeyChecking)),
  };

  const common = {
    connectTimeoutMs: spec.connectTimeoutMs ?? target.connectTimeoutMs ?? options.connectTimeoutMs ?? 10_000,
    keepaliveIntervalMs: target.serverAliveIntervalMs ?? options.keepaliveIntervalMs ?? 15_000,
    agentSocket: options.agentSocket === null ? undefined : (options.agentSocket ?? process.env.SSH_AUTH_SOCK),
  };
  const hop = (address: string, settings: SshSettings, password: string | undefined, identityFiles: string[]): HopTarget => {
    const port = settings.port ?? 22;
    const user = settings.user ?? userInfo().username;
    const t = { host: address, port, user };
    const realAddress = settings.hostName ? expandTokens(settings.hostName, t) : address;
    const keyFiles = identityFiles.map((f) => expandTokens(f, t));
    return {
      address: realAddress,
      port,
      username: user,
      keyNames: [hostKeyName(settings.hostKeyAlias ?? realAddress, settings.hostKeyAlias ? 22 : port)],
      auth: {
        username: user,
        identityFiles: keyFiles,
        tryDefaultIdentities: keyFiles.length === 0,
        agentSocket: common.agentSocket,
        password,
        askPassword: options.askPassword,
        passphrase: options.passphrase,
        askPassphrase: options.askPassphrase,
      },
      hostKeys,
      connectTimeoutMs: common.connectTimeoutMs,
      keepaliveIntervalMs: common.keepaliveIntervalMs,
    };
  };

  const hops: HopTarget[] = [];
  for (const jump of parseProxyJump(target.proxyJump ?? 'none')) {
    // The jump host's own config entry applies to it, as with `ssh -J`; the
    // target's key is offered too, since bastions commonly accept it.
    const own = mergeSettings({ user: jump.user, port: jump.port }, settingsFromConfig(config, jump.host));
    hops.push(hop(jump.host, own, undefined, [...(own.identityFiles ?? []), ...(explicit.identityFiles ?? [])]));
  }
  const final = hop(spec.address, target, spec.password, target.identityFiles ?? []);
  hops.push(final);
  const proxyCommand = hops.length === 1 && target.proxyCommand && target.proxyCommand.toLowerCase() !== 'none'
    ? expandTokens(target.proxyCommand, { host: final.address, port: final.port, user: final.username })
    : undefined;
  return { hops, proxyCommand, user: final.username };
}

/** Runs a ProxyCommand on the controller and presents its stdio as the socket. */
export function proxyCommandStream(command: string): Duplex {
  const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'inherit'] });
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  stream.on('close', () => child.kill());
  return stream;
}
