/**
 * Where and how to reach a host, from three sources in OpenSSH's order of
 * precedence: the inventory (spec), `ansible_ssh_common_args` (`-o` options
 * and a few flags) and the user's ~/.ssh/config (through the `ssh-config`
 * package's compute()).
 */
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import SSHConfig from 'ssh-config';
import { ConnectionError } from '../errors.js';

/** What `ansible_ssh_common_args` and ~/.ssh/config can say that we act on. */
export interface SshSettings {
  hostName?: string;
  port?: number;
  user?: string;
  identityFiles?: string[];
  proxyJump?: string;
  proxyCommand?: string;
  /** yes | no | accept-new | ask | off, lower-cased */
  strictHostKeyChecking?: string;
  userKnownHostsFiles?: string[];
  hostKeyAlias?: string;
  connectTimeoutMs?: number;
  serverAliveIntervalMs?: number;
}

export interface ParsedCommonArgs extends SshSettings {
  /** `-F file` */
  configFile?: string;
  /** options we recognise as harmless but do not implement (ControlMaster, ...) */
  ignored: string[];
}

export interface JumpHop {
  user?: string;
  host: string;
  port?: number;
}

/** Splits words as POSIX shlex does: quotes, backslashes, no expansion. */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) word += text[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word ??= '';
      if (c === "'" || c === '"') quote = c;
      else if (c === '\\' && i + 1 < text.length) word += text[++i];
      else word += c;
    }
  }
  if (quote) throw new ConnectionError(`unbalanced ${quote} in ssh arguments: ${text}`);
  if (word !== undefined) words.push(word);
  return words;
}

function toPort(value: string, where: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConnectionError(`bad port ${JSON.stringify(value)} in ${where}`);
  }
  return port;
}

function seconds(value: string): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n * 1000 : undefined;
}

/** Applies one `Key value` option; returns false for a key we do not act on. */
function applyOption(settings: SshSettings, key: string, value: string, where: string): boolean {
  switch (key.toLowerCase()) {
    case 'hostname': settings.hostName ??= value; return true;
    case 'port': settings.port ??= toPort(value, where); return true;
    case 'user': settings.user ??= value; return true;
    case 'identityfile': (settings.identityFiles ??= []).push(value); return true;
    case 'proxyjump': settings.proxyJump ??= value; return true;
    case 'proxycommand': settings.proxyCommand ??= value; return true;
    case 'stricthostkeychecking': settings.strictHostKeyChecking ??= value.toLowerCase(); return true;
    case 'userknownhostsfile': settings.userKnownHostsFiles ??= value.split(/\s+/).filter(Boolean); return true;
    case 'hostkeyalias': settings.hostKeyAlias ??= value; return true;
    case 'connecttimeout': settings.connectTimeoutMs ??= seconds(value); return true;
    case 'serveraliveinterval': settings.serverAliveIntervalMs ??= seconds(value); return true;
    default: return false;
  }
}

/** Parses `ansible_ssh_common_args`, e.g. `-o ProxyJump=ops@bastion:2222 -o StrictHostKeyChecking=no`. */
export function parseSshCommonArgs(text: string | undefined): ParsedCommonArgs {
  const parsed: ParsedCommonArgs = { ignored: [] };
  if (!text) return parsed;
  const words = splitShellWords(text);
  const where = 'ansible_ssh_common_args';
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const flag = word.match(/^-([oJipFl])(.*)$/);
    if (!flag) {
      parsed.ignored.push(word);
      continue;
    }
    const value = flag[2] !== '' ? (flag[2] as string) : words[++i];
    if (value === undefined) throw new ConnectionError(`${word} needs a value in ${where}`);
    switch (flag[1]) {
      case 'o': {
        const m = value.match(/^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/);
        if (!m) throw new ConnectionError(`cannot read ssh option ${JSON.stringify(value)} in ${where}`);
        if (!applyOption(parsed, m[1] as string, (m[2] as string).trim(), where)) parsed.ignored.push(`-o ${value}`);
        break;
      }
      case 'J': parsed.proxyJump ??= value; break;
      case 'i': (parsed.identityFiles ??= []).push(value); break;
      case 'p': parsed.port ??= toPort(value, where); break;
      case 'l': parsed.user ??= value; break;
      case 'F': parsed.configFile = value; break;
    }
  }
  return parsed;
}

/** `user@host:port`, `[v6]:port` or `ssh://user@host:port`, comma-separated for a chain. */
export function parseProxyJump(text: string): JumpHop[] {
  if (text.toLowerCase() === 'none') return [];
  return text.split(',').map((raw) => {
    let rest = raw.trim().replace(/^ssh:\/\//, '');
    let user: string | undefined;
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
    let host = rest;
    let port: number | undefined;
    const bracketed = rest.match(/^\[([^\]]+)\](?::(\d+))?$/);
    const plain = rest.match(/^([^:]+):(\d+)$/);
    if (bracketed) {
      host = bracketed[1] as string;
      if (bracketed[2]) port = toPort(bracketed[2], 'ProxyJump');
    } else if (plain) {
      host = plain[1] as string;
      port = toPort(plain[2] as string, 'ProxyJump');
    }
    if (!host) throw new ConnectionError(`cannot read jump host ${JSON.stringify(raw)}`);
    return { user: user || undefined, host, port };
  });
}

/** Expands ~ and the tokens OpenSSH allows in IdentityFile, HostName and friends. */
export function expandTokens(value: string, tokens: { host: string; port: number; user: string }): string {
  const home = homedir();
  const expanded = value.replace(/%([%hprudnl])/g, (_, t: string) => {
    switch (t) {
      case '%': return '%';
      case 'h': return tokens.host;
      case 'n': return tokens.host;
      case 'p': return String(tokens.port);
      case 'r': return tokens.user;
      case 'u': return userInfo().username;
      case 'd': return home;
      default: return `%${t}`;
    }
  });
  return expanded.startsWith('~/') ? `${home}${expanded.slice(1)}` : expanded;
}

/** Loads an ssh config file; a missing file is an empty config. */
export async function loadSshConfig(path: string): Promise<SSHConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return SSHConfig.parse(text);
  } catch (cause) {
    throw new ConnectionError(`cannot parse ssh config ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** The settings ~/.ssh/config gives `host`; `Match exec` is not run. */
export function settingsFromConfig(config: SSHConfig | undefined, host: string): SshSettings {
  const settings: SshSettings = {};
  if (!config) return settings;
  const computed = config.compute(host, { ignoreCase: true, matchExec: false });
  for (const [key, value] of Object.entries(computed)) {
    if (key === 'host') continue;
    for (const one of Array.isArray(value) ? value : [value]) applyOption(settings, key, one, 'ssh config');
  }
  return settings;
}

/** The first source that says something wins, as in OpenSSH; identity files add up. */
export function mergeSettings(...sources: SshSettings[]): SshSettings {
  const merged: SshSettings = {};
  for (const source of sources) {
    for (const [key, value] of Object.entries(source) as [keyof SshSettings, unknown][]) {
      if (value === undefined) continue;
      if (key === 'identityFiles') {
        merged.identityFiles = [...(merged.identityFiles ?? []), ...(value as string[])];
        continue;
      }
      if (key in merged) continue;
      (merged as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}
