/**
 * Subject alternative names: each host given by the user becomes an
 * iPAddress SAN when it parses as an IPv4/IPv6 address and a dNSName
 * otherwise. IPs are kept in one canonical text form so that `::1` and
 * `0:0:0:0:0:0:0:1` compare equal when a certificate is checked for drift.
 */
import { isIP, isIPv4 } from 'node:net';
import { PkiError } from '../errors.js';

export interface SubjectAltNames {
  ips: string[];
  dns: string[];
}

const DNS_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/;

/** The canonical text of an IP address (IPv6 compressed, lower case), or null when not an IP. */
export function canonicalIp(text: string): string | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const version = isIP(bare);
  if (version === 4) return bare;
  // the WHATWG URL parser is the standard library's IPv6 serialiser (RFC 5952 form)
  if (version === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return null;
}

/** Splits hosts into IP and DNS SANs, de-duplicated and in the order given. */
export function splitHosts(hosts: readonly string[]): SubjectAltNames {
  const ips: string[] = [];
  const dns: string[] = [];
  for (const raw of hosts) {
    const host = String(raw).trim();
    if (host === '') continue;
    const ip = canonicalIp(host);
    if (ip !== null) {
      if (!ips.includes(ip)) ips.push(ip);
      continue;
    }
    // DNS names are case-insensitive; certificates and comparisons use lower case
    const name = host.toLowerCase();
    // an all-numeric last label is no TLD: it is a mistyped IP address (10.0.0.256)
    if (!DNS_NAME.test(name) || /(^|\.)\d+\.?$/.test(name)) throw new PkiError(`'${host}' is neither an IP address nor a valid DNS name`);
    if (!dns.includes(name)) dns.push(name);
  }
  return { ips, dns };
}

/** The 4 or 16 bytes of an address, as a binary string (forge's byte format). */
export function ipToBytes(ip: string): string {
  const canonical = canonicalIp(ip);
  if (canonical === null) throw new PkiError(`'${ip}' is not an IP address`);
  if (isIPv4(canonical)) return String.fromCharCode(...canonical.split('.').map(Number));
  // canonical IPv6 text has hex groups only (the URL serialiser rewrites embedded IPv4)
  const [head = '', tail] = canonical.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups]
    .map((group) => parseInt(group, 16))
    .map((value) => String.fromCharCode(value >> 8, value & 0xff))
    .join('');
}

/** The canonical text of 4 or 16 address bytes from a certificate. */
export function bytesToIp(bytes: string): string {
  if (bytes.length === 4) return Array.from(bytes, (ch) => ch.charCodeAt(0)).join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1)).toString(16));
    return canonicalIp(groups.join(':')) ?? groups.join(':');
  }
  throw new PkiError(`an iPAddress SAN of ${bytes.length} bytes is neither IPv4 nor IPv6`);
}
