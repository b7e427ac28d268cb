/**
 * The checks `wait_for` repeats, each a read-only command plus a pure
 * parser: sockets from /proc/net/tcp{,6} for the host itself, a TCP
 * connect (bash's /dev/tcp, else nc) for anything else, and a file test.
 * Nothing here needs Python on the host.
 */
import { sh } from '../shell/quote.js';

export type TcpState = 'LISTEN' | 'ESTABLISHED' | 'OTHER';

export interface TcpSocket {
  localAddress: string;
  localPort: number;
  state: TcpState;
}

/** Addresses that mean "this host": the waiting can read its socket table. */
export const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '0.0.0.0', '::1', '::']);

export function procNetTcpCommand(): string {
  return 'cat /proc/net/tcp /proc/net/tcp6 2>/dev/null';
}

/** `0100007F` -> 127.0.0.1 (the kernel prints each 32-bit word in host byte order, little-endian here). */
function ipv4(hex: string): string {
  const bytes = hex.match(/../g) ?? [];
  return bytes.reverse().map((b) => parseInt(b, 16)).join('.');
}

/** 32 hex digits, four little-endian words -> a compressed IPv6 address; v4-mapped stay `::ffff:a.b.c.d`. */
function ipv6(hex: string): string {
  const words = (hex.match(/.{8}/g) ?? []).map((w) => (w.match(/../g) ?? []).reverse().join(''));
  const groups = words.join('').match(/.{4}/g) ?? [];
  if (groups.slice(0, 5).every((g) => g === '0000') && groups[5] === 'ffff') {
    return `::ffff:${ipv4((words[3] ?? '').match(/../g)!.reverse().join(''))}`;
  }
  const text = groups.map((g) => parseInt(g, 16).toString(16)).join(':');
  return text.replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

const STATES: Record<string, TcpState> = { '0A': 'LISTEN', '01': 'ESTABLISHED' };

/** Lines of /proc/net/tcp and /proc/net/tcp6 (headers skipped). */
export function parseProcNetTcp(out: string): TcpSocket[] {
  const sockets: TcpSocket[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*\d+:\s+([0-9A-F]+):([0-9A-F]{4})\s+[0-9A-F]+:[0-9A-F]{4}\s+([0-9A-F]{2})\s/i.exec(line);
    if (!m) continue;
    const [, addr = '', port = '', st = ''] = m;
    sockets.push({
      localAddress: addr.length === 8 ? ipv4(addr) : ipv6(addr),
      localPort: parseInt(port, 16),
      state: STATES[st.toUpperCase()] ?? 'OTHER',
    });
  }
  return sockets;
}

/** A listening socket that a connection to `host`:`port` from the host itself would reach. */
export function isListening(sockets: TcpSocket[], host: string, port: number): boolean {
  const reaches = (addr: string): boolean => {
    if (host === '0.0.0.0' || host === '::') return true;
    if (addr === '0.0.0.0' || addr === '::') return true;
    if (host === '::1') return addr === '::1';
    return addr.startsWith('127.') || addr.startsWith('::ffff:127.') || (host === 'localhost' && addr === '::1');
  };
  return sockets.some((s) => s.state === 'LISTEN' && s.localPort === port && reaches(s.localAddress));
}

/** Established connections on a local port: what `drained` waits to see go. */
export function activeConnections(sockets: TcpSocket[], port: number): number {
  return sockets.filter((s) => s.state === 'ESTABLISHED' && s.localPort === port).length;
}

/**
 * Exit 0 when a TCP connection to host:port opens within `seconds`, 200
 * when the host has neither bash nor nc to try with.
 */
export function connectCommand(host: string, port: number, seconds: number): string {
  return sh`if command -v bash >/dev/null 2>&1; then timeout ${seconds} bash -c 'exec 3<>"/dev/tcp/$1/$2"' ezplay ${host} ${port} 2>/dev/null; elif command -v nc >/dev/null 2>&1; then nc -z -w ${seconds} ${host} ${port} 2>/dev/null; else (exit 200); fi`;
}

export const NO_CONNECT_TOOL = 200;

/** Prints `absent`, `present`, or `present match` when the file matches the regex. */
export function pathCommand(path: string, regex: string | undefined): string {
  if (regex === undefined) return sh`if [ -e ${path} ]; then echo present; else echo absent; fi`;
  return sh`if [ -e ${path} ]; then if grep -qP -- ${regex} ${path} 2>/dev/null || grep -qE -- ${regex} ${path} 2>/dev/null; then echo present match; else echo present; fi; else echo absent; fi`;
}

export function parsePathCheck(out: string): { present: boolean; match: boolean } {
  const words = out.trim().split(/\s+/);
  return { present: words[0] === 'present', match: words[1] === 'match' };
}
