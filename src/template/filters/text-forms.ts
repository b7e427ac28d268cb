/**
 * Ansible's filters that shape text for files and commands: `format`,
 * `comment`, `urlsplit`, `urlencode`, `urldecode`, `expanduser`, `fileglob`, `password_hash`.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { param, type CallArgs } from '../call-args.js';
import { CRYPT_SCHEMES, cryptHash, randomSalt, type CryptScheme } from '../crypt.js';
import { percentFormat } from '../python-format.js';
import { pyStr, truthy, typeName, type Mapping } from '../python-values.js';
import { strftime, strptime } from '../datetime.js';
import { FilterError, TemplateRuntimeError } from '../undefined.js';
import type { ImplTable } from './registry.js';
import { globFiles } from '../lookups.js';

/** Jinja's format: `'%s-%d' | format(a, 1)` is Python's `%` with the arguments (or the keywords). */
function format(value: unknown, call: CallArgs): string {
  const hasKwargs = Object.keys(call.kwargs).length > 0;
  if (hasKwargs && call.args.length) throw new TemplateRuntimeError("can't handle positional and keyword arguments at the same time");
  return percentFormat(pyStr(value), hasKwargs ? call.kwargs : call.args);
}

const COMMENT_STYLES: Record<string, Mapping> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's `comment`: the text with a decoration on each line, framed by prefix and postfix lines. */
function comment(text: string, call: CallArgs): string {
  const styleName = pyStr(param(call, 0, 'style', 'plain'));
  const style = COMMENT_STYLES[styleName];
  if (!style) throw new TemplateRuntimeError(`comment: unknown style '${styleName}'`);
  const framing = pyStr(call.kwargs.decoration ?? style.decoration).trimEnd();
  const p: Mapping = { newline: '\n', beginning: '', prefix: framing, prefix_count: 1, decoration: '', postfix: framing, postfix_count: 1, end: '', ...style, ...call.kwargs };
  const s = (key: string) => pyStr(p[key]);
  const newline = s('newline');
  const decoration = s('decoration');
  const beginning = s('beginning') ? s('beginning') + newline : '';
  let prefix = '';
  if (s('prefix')) prefix = (s('prefix') !== newline ? s('prefix') + newline : newline).repeat(Math.max(0, Number(p.prefix_count)));
  const body = (decoration + text.replaceAll(newline, newline + decoration)).replaceAll(decoration + newline, decoration.trimEnd() + newline);
  const postfix = ['', ...Array<string>(Math.max(0, Number(p.postfix_count))).fill(s('postfix'))].join(newline);
  const end = s('end') ? newline + s('end') : '';
  return beginning + prefix + body + postfix + end;
}

/** Python's urllib.parse.urlsplit, as the dict of its attributes that Ansible's urlsplit returns. */
export function urlsplit(url: string): Mapping {
  let rest = url;
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && /^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) [rest, fragment] = [rest.slice(0, hash), rest.slice(hash + 1)];
  let query = '';
  const mark = rest.indexOf('?');
  if (mark >= 0) [rest, query] = [rest.slice(0, mark), rest.slice(mark + 1)];
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at) : null;
  const hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  const userColon = userinfo === null ? -1 : userinfo.indexOf(':');
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(hostport);
  let host: string;
  let portText: string | undefined;
  if (bracketed) [host, portText] = [bracketed[1]!, bracketed[2]];
  else {
    const c = hostport.lastIndexOf(':');
    [host, portText] = c >= 0 ? [hostport.slice(0, c), hostport.slice(c + 1)] : [hostport, undefined];
  }
  let port: number | null = null;
  if (portText) {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new TemplateRuntimeError(`Port out of range 0-65535 or not a number: '${portText}'`);
    port = Number(portText);
  }
  return {
    fragment,
    hostname: host ? host.toLowerCase() : null,
    netloc,
    password: userinfo === null || userColon < 0 ? null : userinfo.slice(userColon + 1),
    path: rest,
    port,
    query,
    scheme,
    username: userinfo === null ? null : userColon < 0 ? userinfo : userinfo.slice(0, userColon),
  };
}

function homeOf(user: string): string | undefined {
  if (user === '') return process.env.HOME || os.homedir();
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[0] === user && fields.length >= 6) return fields[5];
    }
  } catch {
    // no passwd file: the path stays as it is, as Python leaves it
  }
  return undefined;
}

/** Python's os.path.expanduser, on the controller. */
function expanduser(path: string): string {
  if (!path.startsWith('~')) return path;
  const slash = path.indexOf('/');
  const user = slash < 0 ? path.slice(1) : path.slice(1, slash);
  const home = homeOf(user);
  if (home === undefined) return path;
  const tail = slash < 0 ? '' : path.slice(slash);
  return home.replace(/\/+$/, '') + tail || '/';
}

const HASH_NAMES: Record<string, string> = { md5: 'md5_crypt', sha256: 'sha256_crypt', sha512: 'sha512_crypt', blowfish: 'bcrypt' };

/** Ansible's password_hash(hashtype, salt, salt_size, rounds): crypt(3) strings, random salt unless given. */
function passwordHash(value: unknown, call: CallArgs): string {
  const requested = pyStr(param(call, 0, 'hashtype', 'sha512'));
  const scheme = HASH_NAMES[requested] ?? requested;
  if (!Object.hasOwn(CRYPT_SCHEMES, scheme)) throw new FilterError(`password_hash: the '${requested}' hash type is not supported (sha512, sha256 and md5 are)`);
  const info = CRYPT_SCHEMES[scheme as CryptScheme];
  const saltArg = param<unknown>(call, 1, 'salt', null);
  const saltSize = param<unknown>(call, 2, 'salt_size', null);
  const rounds = param<unknown>(call, 3, 'rounds', null);
  for (const [name, n] of [['salt_size', saltSize], ['rounds', rounds]] as const) {
    if (n !== null && (typeof n !== 'number' || !Number.isInteger(n))) throw new TemplateRuntimeError(`password_hash: ${name} must be an integer, not ${typeName(n)}`);
  }
  const salt = saltArg === null ? randomSalt(saltSize === null ? info.saltSize : Number(saltSize)) : pyStr(saltArg);
  if (/[^./0-9A-Za-z]/.test(salt)) throw new TemplateRuntimeError('invalid characters in salt');
  if (typeof value !== 'string') throw new TemplateRuntimeError(`password_hash expects a string, got ${typeName(value)}`);
  return cryptHash(scheme as CryptScheme, value, salt, rounds === null ? undefined : Number(rounds));
}

/** Python's urllib.parse.quote (safe '/') or, for a query string, quote_plus (nothing safe, spaces as '+'). */
function quote(text: string, forQuery: boolean): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (const byte of bytes) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(c) || (!forQuery && c === '/')) out += c;
    else if (forQuery && c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Ansible's urlencode: a string quoted, a mapping (or a list of pairs) as `k=v&k=v` with query quoting. */
function urlencode(value: unknown): string {
  if (typeof value === 'string') return quote(value, false);
  let pairs: unknown[];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) pairs = Object.entries(value as Mapping);
  else if (Array.isArray(value)) pairs = value;
  else return quote(pyStr(value), false);
  return pairs
    .map((pair) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TemplateRuntimeError(`urlencode: expected pairs, got ${pyStr(pair)}`);
      return `${quote(pyStr(pair[0]), true)}=${quote(pyStr(pair[1]), true)}`;
    })
    .join('&');
}

/** Python's urllib.parse.unquote_plus, as Ansible's urldecode. */
function urldecode(text: string): string {
  // each run of %XX escapes is one UTF-8 byte sequence
  return text
    .replaceAll('+', ' ')
    .replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.slice(1).split('%').map((h) => parseInt(h, 16))).toString('utf8'));
}

export const textFormFilters: ImplTable = {
  urlencode: (value) => urlencode(value),
  urldecode: (value) => urldecode(pyStr(value)),
  format: (value, call) => format(value, call),
  comment: (value, call) => comment(pyStr(value), call),
  urlsplit: (value, call) => {
    const parts = urlsplit(pyStr(value));
    const query = pyStr(param(call, 0, 'query', ''));
    if (!query) return parts;
    if (!Object.hasOwn(parts, query)) throw new TemplateRuntimeError(`urlsplit: unknown URL component: ${query}`);
    return parts[query];
  },
  expanduser: (value) => expanduser(pyStr(value)),
  // the controller's files a glob pattern matches (Python's glob.glob)
  fileglob: (value) => globFiles(pyStr(value)),
  // '%Y-%m-%d' | strftime(second=None, utc=False), as Ansible formats a time
  strftime: (value, call) => {
    const second = param<unknown>(call, 0, 'second', null);
    const when = second === null || second === undefined ? new Date() : new Date(Number(second) * 1000);
    if (Number.isNaN(when.getTime())) throw new FilterError(`Invalid value for epoch value (${pyStr(second)})`);
    return strftime(pyStr(value), when, truthy(param(call, 1, 'utc', false)));
  },
  password_hash: (value, call) => passwordHash(value, call),
  // 'YYYY-MM-DD HH:MM:SS' | to_datetime(format): a naive datetime, as Python's strptime gives it
  to_datetime: (value, call) => strptime(pyStr(value), pyStr(param(call, 0, 'format', '%Y-%m-%d %H:%M:%S'))),
};
