/**
 * `lookup('password', 'credentials/etcd length=15 chars=ascii_letters')`:
 * a random password kept in a controller file (mode 0600), created on first
 * use and read back afterwards, so every run sees the same one. `/dev/null`
 * gives a new one each time. With `seed=` the password is the one Python's
 * random.Random(seed) picks, the same as Ansible's. The password is never
 * put in an error message.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { CRYPT_SCHEMES, cryptHash, randomSalt, type CryptScheme } from './crypt.js';
import { PythonRandom } from './python-random.js';
import { TemplateRuntimeError } from './undefined.js';

const ASCII_LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ASCII_UPPER = ASCII_LOWER.toUpperCase();
const DIGITS = '0123456789';
/** The constants of Python's string module that `chars=` may name. */
const CHAR_SETS: Record<string, string> = {
  ascii_letters: ASCII_LOWER + ASCII_UPPER,
  ascii_lowercase: ASCII_LOWER,
  ascii_uppercase: ASCII_UPPER,
  digits: DIGITS,
  hexdigits: `${DIGITS}abcdefABCDEF`,
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};
const DEFAULT_CHARS = ['ascii_letters', 'digits', '.,:-_'];
const VALID_PARAMS = new Set(['length', 'encrypt', 'chars', 'ident', 'seed']);

interface PasswordParams {
  path: string;
  length: number;
  encrypt?: string;
  chars: string[];
  seed?: string;
}

function splitChars(spec: string): string[] {
  const chars = spec.includes(',,') ? [','] : [];
  chars.push(...spec.replaceAll(',,', ',').split(',').filter(Boolean));
  return chars;
}

/**
 * `path key=value ...`; a space in the path is kept when no `=` follows it.
 * `options` are the lookup's keyword arguments (`seed="foo"`): the term's
 * own `key=value` win over them, as in Ansible.
 */
export function parsePasswordTerm(term: string, options: Record<string, unknown> = {}): PasswordParams {
  const words = term.split(' ');
  let i = 1;
  while (i < words.length && !/^\w+=/.test(words[i]!)) i++;
  const path = words.slice(0, i).join(' ');
  const params: Record<string, unknown> = {};
  const rest = words.slice(i).join(' ');
  for (const m of rest.matchAll(/(\w+)=("[^"]*"|'[^']*'|\S*)/g)) {
    params[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  const invalid = [...new Set([...Object.keys(params), ...Object.keys(options)])].filter((k) => !VALID_PARAMS.has(k));
  if (invalid.length) throw new TemplateRuntimeError(`Unrecognized parameter(s) given to password lookup: ${invalid.join(', ')}`);
  const given = (key: string): unknown => (params[key] !== undefined ? params[key] : options[key] ?? undefined);
  const charsGiven = given('chars');
  const chars = Array.isArray(charsGiven) ? charsGiven.map(String) : charsGiven ? splitChars(String(charsGiven)) : DEFAULT_CHARS;
  const length = Number(given('length') ?? 20);
  if (!Number.isInteger(length) || length < 0) throw new TemplateRuntimeError('password lookup: length must be a whole number');
  const encrypt = given('encrypt');
  const seed = given('seed');
  return { path, length, chars, ...(encrypt ? { encrypt: String(encrypt) } : {}), ...(seed !== undefined && seed !== null ? { seed: String(seed) } : {}) };
}

export function candidateChars(specs: string[]): string {
  return specs.map((spec) => CHAR_SETS[spec] ?? spec).join('').replace(/["']/g, '');
}

export function randomPassword(length: number, chars: string, seed?: string): string {
  if (!chars.length) throw new TemplateRuntimeError('password lookup: no characters to choose from');
  const letters = Array.from(chars);
  const seeded = seed === undefined ? undefined : new PythonRandom(seed);
  const pick = (n: number) => (seeded ? seeded.randbelow(n) : randomInt(n));
  return Array.from({ length }, () => letters[pick(letters.length)]).join('');
}

/** The stored line: `password[ salt=SALT[ ident=IDENT]]`. */
function parseContent(content: string): { password: string; salt?: string } {
  const at = content.lastIndexOf(' salt=');
  if (at < 0) return { password: content };
  let salt = content.slice(at + 6);
  const identAt = salt.lastIndexOf(' ident=');
  if (identAt >= 0) salt = salt.slice(0, identAt);
  return { password: content.slice(0, at), salt };
}

function writePasswordFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${content}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function passwordLookup(term: string, baseDir: string, options: Record<string, unknown> = {}): string {
  const params = parsePasswordTerm(term, options);
  const path = resolve(baseDir, params.path);
  const scheme = params.encrypt === undefined ? undefined : ({ md5: 'md5_crypt', sha256: 'sha256_crypt', sha512: 'sha512_crypt' }[params.encrypt] ?? params.encrypt);
  if (scheme !== undefined && !Object.hasOwn(CRYPT_SCHEMES, scheme)) throw new TemplateRuntimeError(`password lookup: encrypt=${params.encrypt} is not supported (sha512_crypt, sha256_crypt and md5_crypt are)`);
  const isNull = path === '/dev/null';
  let stored: { password: string; salt?: string } | undefined;
  if (!isNull && existsSync(path)) {
    try {
      stored = parseContent(readFileSync(path, 'utf8').trimEnd());
    } catch (err) {
      throw new TemplateRuntimeError(`password lookup: could not read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  let changed = stored === undefined;
  const password = stored?.password ?? randomPassword(params.length, candidateChars(params.chars), params.seed);
  let salt = stored?.salt;
  if (scheme && !salt) {
    salt = randomSalt(CRYPT_SCHEMES[scheme as CryptScheme].saltSize);
    changed = true;
  }
  if (changed && !isNull) {
    try {
      writePasswordFile(path, salt ? `${password} salt=${salt}` : password);
    } catch (err) {
      throw new TemplateRuntimeError(`password lookup: could not write ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return scheme ? cryptHash(scheme as CryptScheme, password, salt!) : password;
}
