/**
 * ansible.utils' `ipaddr` and `ipwrap`, built in under those names (and
 * their collection names), for the queries real inventories use: validity,
 * `address`, `host`, `network`, `net`, `netmask`, `prefix`, `broadcast`,
 * `size`, `ipv4`, `ipv6`, `private`, `public` and the nth address of a
 * network (`'10.0.0.0/24' | ipaddr(1)` is `10.0.0.1/24`). IPv4 is computed;
 * IPv6 addresses are recognised, wrapped and passed through.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { param } from '../call-args.js';
import { pyStr } from '../python-values.js';
import { TemplateRuntimeError } from '../undefined.js';
import type { ImplTable } from './registry.js';

interface V4 {
  ip: number;
  prefix: number;
  /** written with a /prefix or netmask */
  cidr: boolean;
}

const toInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const toText = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const maskOf = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff - (2 ** (32 - prefix) - 1)) >>> 0);

function parseV4(text: string): V4 | undefined {
  const [ip, suffix, extra] = text.split('/');
  if (extra !== undefined || !ip || !isIPv4(ip)) return undefined;
  if (suffix === undefined) return { ip: toInt(ip), prefix: 32, cidr: false };
  if (/^\d+$/.test(suffix) && Number(suffix) <= 32) return { ip: toInt(ip), prefix: Number(suffix), cidr: true };
  if (isIPv4(suffix)) {
    const mask = toInt(suffix);
    const prefix = 32 - Math.log2(2 ** 32 - mask);
    if (Number.isInteger(prefix)) return { ip: toInt(ip), prefix, cidr: true };
  }
  return undefined;
}

function isV6(text: string): boolean {
  const [ip, suffix, extra] = text.split('/');
  return extra === undefined && !!ip && isIPv6(ip) && (suffix === undefined || (/^\d+$/.test(suffix) && Number(suffix) <= 128));
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10'].map((c) => parseV4(c)!);

function within(a: V4, net: V4): boolean {
  const m = maskOf(net.prefix);
  return ((a.ip & m) >>> 0) === ((net.ip & m) >>> 0);
}

function queryV4(v: V4, query: unknown): unknown {
  const mask = maskOf(v.prefix);
  const network = (v.ip & mask) >>> 0;
  const size = 2 ** (32 - v.prefix);
  if (typeof query === 'number' || (typeof query === 'string' && /^-?\d+$/.test(query))) {
    const n = Number(query);
    const index = n < 0 ? size + n : n;
    if (index < 0 || index >= size) return false;
    return `${toText(network + index)}/${v.prefix}`;
  }
  switch (query) {
    case '':
    case undefined:
    case null:
      return undefined;
    case 'address':
    case 'ip':
      return toText(v.ip);
    case 'host':
      return `${toText(v.ip)}/${v.cidr ? v.prefix : 32}`;
    case 'network':
      return toText(network);
    case 'net':
      return v.cidr && network === v.ip ? `${toText(network)}/${v.prefix}` : false;
    case 'subnet':
    case 'cidr':
      return `${toText(network)}/${v.prefix}`;
    case 'netmask':
      return toText(mask);
    case 'hostmask':
      return toText((~mask) >>> 0);
    case 'prefix':
      return v.prefix;
    case 'broadcast':
      return v.prefix >= 31 ? false : toText(network + size - 1);
    case 'size':
      return size;
    case 'ipv4':
    case 'version':
      return query === 'version' ? 4 : true;
    case 'ipv6':
      return false;
    case 'private':
      return PRIVATE.some((p) => within(v, p));
    case 'public':
      return !PRIVATE.some((p) => within(v, p));
    default:
      throw new TemplateRuntimeError(`ipaddr: query '${pyStr(query)}' is not supported by ezplay`);
  }
}

function ipaddrOne(value: unknown, query: unknown): unknown {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const text = String(value).trim();
  const v4 = parseV4(text);
  if (v4) {
    const out = queryV4(v4, query);
    return out === undefined ? text : out;
  }
  if (isV6(text)) {
    if (query === undefined || query === '' || query === 'ipv6') return text;
    if (query === 'ipv4' || query === 'private') return false;
    if (query === 'address') return text.split('/')[0];
    if (query === 'version') return 6;
    throw new TemplateRuntimeError(`ipaddr: query '${pyStr(query)}' on an IPv6 address is not supported by ezplay`);
  }
  return false;
}

function wrap(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return isV6(value) && !value.includes('/') ? `[${value}]` : value;
}

export const networkFilters: ImplTable = {
  ipaddr(value, call) {
    const query = param(call, 0, 'query', undefined);
    // on a list, ipaddr keeps the items that pass, transformed
    if (Array.isArray(value)) return value.map((v) => ipaddrOne(v, query)).filter((v) => v !== false && v !== null);
    return ipaddrOne(value, query);
  },
  ipv4(value, call) {
    const query = param(call, 0, 'query', undefined);
    const one = (v: unknown) => (typeof v === 'string' && parseV4(v.trim()) ? ipaddrOne(v, query) : false);
    return Array.isArray(value) ? value.map(one).filter((v) => v !== false) : one(value);
  },
  ipv6(value, call) {
    const query = param(call, 0, 'query', undefined);
    const one = (v: unknown) => (typeof v === 'string' && isV6(v.trim()) ? ipaddrOne(v, query) : false);
    return Array.isArray(value) ? value.map(one).filter((v) => v !== false) : one(value);
  },
  ipwrap(value) {
    return Array.isArray(value) ? value.map(wrap) : wrap(value);
  },
};
