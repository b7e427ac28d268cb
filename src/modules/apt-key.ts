/**
 * `apt_key`: a key in apt's keyrings, with apt-key as Ansible uses it. A
 * key is there when its id is among the listed ones (the last 8 hex digits
 * for a short id, else the last 16). Adding and deleting change keyring
 * files, which the module kit backs up first (the one `keyring` names,
 * /etc/apt/trusted.gpg for an add without it, every keyring for a delete
 * without it): undo restores them.
 */
import { ModuleError } from '../errors.js';
import { aptKey, aptKeysFact, parseKeyIds, TRUSTED_GPG } from '../facts/apt-keys.js';
import { sh } from '../shell/quote.js';
import { guardWrites } from './kit/backup.js';
import { defineModule, type HostContext, type Step } from './types.js';

export interface AptKeyArgs {
  id?: string;
  url?: string;
  data?: string;
  file?: string;
  keyring?: string;
  keyserver?: string;
  validate_certs: boolean;
  state: 'present' | 'absent';
}

export interface KeyId {
  /** the last 8 hex digits: what `apt-key del` takes */
  short: string;
  /** the last 16: what the listing shows */
  long: string;
  full: string;
}

/** An id as Ansible takes it: 8, 16 or more hex digits, `0x` allowed. */
export function parseKeyId(id: string): KeyId {
  let full = id.trim().toUpperCase();
  if (full.startsWith('0X')) full = full.slice(2);
  if (!/^[0-9A-F]+$/.test(full) || (full.length !== 8 && full.length < 16)) throw new ModuleError(`apt_key: invalid key id '${id}'`);
  return { short: full.slice(-8), long: full.length > 16 ? full.slice(-16) : full, full };
}

/** Fetches the key at `url` into a temporary file, runs `then` on it ("$k"), removes the file; the status is the first failure's. */
const withFetched = (url: string, validate: boolean, then: string) =>
  `k=$(mktemp) || exit 1; if ${sh`${['curl', '-fsSL', ...(validate ? [] : ['--insecure']), '-o']}`} "$k" ${sh`${url}`}; then ${then}; rc=$?; else rc=$?; fi; rm -f "$k"; exit $rc`;

/** Without `id`, the key's id is read from what would be added (a read: nothing is imported). */
async function idFromKey(ctx: HostContext, a: AptKeyArgs): Promise<string> {
  if (a.keyserver !== undefined) throw new ModuleError('Missing key_id, required with keyserver.');
  const res = a.file !== undefined
    ? await ctx.probe(sh`gpg --with-colons ${a.file}`)
    : a.data !== undefined
      ? await ctx.probe('gpg --with-colons -', { stdin: a.data })
      : a.url !== undefined
        ? await ctx.probe(withFetched(a.url, a.validate_certs, 'gpg --with-colons "$k"'))
        : undefined;
  if (!res) throw new ModuleError('apt_key: give id, or a key through data, file, url or keyserver');
  const id = res.rc === 0 ? parseKeyIds(res.stdout)[0] : undefined;
  if (!id) throw new ModuleError(`Unable to extract key from '${a.file ?? (a.data !== undefined ? 'inline data' : a.url)}': ${res.stderr.trim()}`);
  return id;
}

function addStep(a: AptKeyArgs, key: KeyId): Step {
  const tool = aptKey(a.keyring);
  if (a.file !== undefined) return { kind: 'exec', command: `${tool} ${sh`add ${a.file}`}`, description: `add the key in ${a.file}` };
  if (a.keyserver !== undefined) {
    return { kind: 'exec', command: `${tool} ${sh`adv --no-tty --keyserver ${a.keyserver} --recv ${key.full}`}`, description: `receive key ${key.full} from ${a.keyserver}` };
  }
  if (a.data !== undefined) return { kind: 'exec', command: `${tool} add -`, stdin: a.data, description: `add key ${key.long}` };
  if (a.url !== undefined) return { kind: 'exec', command: withFetched(a.url, a.validate_certs, `${tool} add "$k"`), description: `add the key at ${a.url}` };
  throw new ModuleError('apt_key: the key is missing and there is no data, file, url or keyserver to add it from');
}

/** apt-key did not fail but the key is still not (or still) listed: a failure, as in Ansible. */
function checkStep(a: AptKeyArgs, key: KeyId, wanted: boolean): Step {
  const listed = `LC_ALL=C ${aptKey(a.keyring)} adv --list-public-keys --keyid-format=long 2>/dev/null | grep -v expired | grep -q -e ${sh`/${key.long}`}`;
  const what = wanted ? 'failed to add the key' : 'the key was not removed';
  return {
    kind: 'exec',
    command: `if ${wanted ? '!' : ''} ${listed}; then echo ${sh`${`apt-key did not return an error, but ${what} (check that the id is correct and *not* a subkey)`}`} >&2; exit 1; fi`,
    description: `check that key ${key.long} is ${wanted ? 'there' : 'gone'}`,
  };
}

export const aptKeyModule = defineModule<AptKeyArgs>({
  name: 'apt_key',
  summary: "Add or remove a key in apt's keyrings (apt-key)",
  description:
    'Lists the keys with `apt-key adv --list-public-keys` and adds the key (from `data`, `file`, `url` fetched with curl ' +
    'on the host, or `keyserver`) or deletes it with apt-key, then checks the listing. The keyring files it changes ' +
    'are backed up first and restored by undo. Needs apt-key and gpg on the host (apt-key is gone from Debian 13 and ' +
    'Ubuntu 24.04: manage keyring files with `get_url` or `copy` there).',
  args: {
    id: { type: 'str', description: 'The key id (8, 16 or more hex digits); without it, read from the key to add.' },
    url: { type: 'str', description: 'A URL of the key, fetched on the host.' },
    data: { type: 'str', description: 'The key itself (armored).' },
    file: { type: 'path', description: 'A key file on the host.' },
    keyring: { type: 'path', description: 'The keyring file to use instead of all of apt\'s (`/etc/apt/trusted.gpg.d/docker.gpg`).' },
    keyserver: { type: 'str', description: 'A keyserver to receive the key from (needs id).' },
    validate_certs: { type: 'bool', default: true, description: "With url: check the server's certificate." },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Whether the key is there.' },
  },
  async plan(ctx, args) {
    const sources = [args.data, args.file, args.keyserver, args.url].filter((v) => v !== undefined);
    if (sources.length > 1) throw new ModuleError('parameters are mutually exclusive: data|file|keyserver|url');
    const key = parseKeyId(args.id ?? (await idFromKey(ctx, args)));
    const listed = await ctx.gather(aptKeysFact, args.keyring);
    const shortForm = key.full.length === 8;
    const present = shortForm ? listed.ids.some((id) => id.slice(-8) === key.short) : listed.ids.includes(key.long);
    const result = { id: key.full, short_id: key.short, fp: key.long, key_id: key.full, before: listed.ids };
    if ((args.state === 'present') === present) return { changed: false, result };
    const files = args.keyring !== undefined ? [args.keyring] : args.state === 'present' ? [TRUSTED_GPG] : listed.keyrings.filter((f) => !f.endsWith('~'));
    // gpg leaves the keyring it rewrote beside it as NAME~: a new file undo removes again
    const guarded = [...files.map((f) => ({ path: f, existed: listed.keyrings.includes(f) })), ...files.filter((f) => !listed.keyrings.includes(`${f}~`)).map((f) => ({ path: `${f}~`, existed: false }))];
    const guard = guardWrites(ctx.runId, guarded);
    const change: Step = args.state === 'present'
      ? addStep(args, key)
      : { kind: 'exec', command: `${aptKey(args.keyring)} ${sh`del ${key.short}`}`, description: `delete key ${key.long}` };
    return {
      changed: true,
      diff: [{ subject: `apt key ${key.long}`, before: present ? 'present' : 'absent', after: args.state, kind: 'summary' }],
      steps: [...guard.steps, change, checkStep(args, key, args.state === 'present')],
      undo: guard.undo,
      cleanup: guard.cleanup,
      writes: guard.writes,
      result,
    };
  },
});
