/**
 * `yum_repository`: one repository section of a yum/dnf .repo file, as
 * Ansible's module writes it (repo-file-edit.ts): the section is replaced
 * whole by the task's options, sorted; a file left without sections is
 * moved into the run's backups (Ansible deletes it). The file goes through
 * the module kit, so undo restores it.
 */
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { pathsFact } from '../facts/paths.js';
import { planFileTexts } from './file-texts-plan.js';
import { attributeArgs } from './kit/attributes.js';
import { dumpRepoFile, parseRepoFile, writeRepoFile, type RepoFile } from './repo-file-edit.js';
import { defineModule, type ArgSchema, type ArgSpec } from './types.js';

export interface YumRepositoryArgs {
  name: string;
  description?: string;
  file?: string;
  reposdir: string;
  state: 'present' | 'absent';
  mode?: number;
  owner?: string;
  group?: string;
  [option: string]: unknown;
}

const bool = (description: string, extra: Partial<ArgSpec> = {}): ArgSpec => ({ type: 'bool', description, ...extra });
const str = (description: string, extra: Partial<ArgSpec> = {}): ArgSpec => ({ type: 'str', description, ...extra });
const list = (description: string): ArgSpec => ({ type: 'list', elements: 'str', description });

/** The repository options: each is written as `key = value` when given (booleans as 1 and 0). */
export const REPO_OPTIONS: ArgSchema = {
  async: bool('Download packages and metadata in parallel.'),
  bandwidth: str('Maximum bandwidth (`0` unlimited).'),
  baseurl: list('URLs of the repository (one of baseurl, metalink or mirrorlist is required with state=present).'),
  cost: str('Relative cost of this repository.'),
  deltarpm_metadata_percentage: str('When to download deltarpm metadata, in percent.'),
  deltarpm_percentage: str('When to use a deltarpm, in percent.'),
  enabled: bool('Whether the repository is used.'),
  enablegroups: bool('Whether its package groups are used.'),
  exclude: list('Packages never taken from it (written space-separated).'),
  failovermethod: str('How to pick a baseurl.', { choices: ['roundrobin', 'priority'] }),
  gpgcakey: str('A URL to the ASCII-armored CA key of the repository.'),
  gpgcheck: bool('Check the GPG signature of its packages.'),
  gpgkey: list('URLs of the ASCII-armored GPG keys.'),
  module_hotfixes: bool('Disable module RPM filtering.'),
  http_caching: str('What proxies may cache.', { choices: ['all', 'packages', 'none'] }),
  include: str('A URL to a file with more configuration.'),
  includepkgs: list('The only packages taken from it (written space-separated).'),
  ip_resolve: str('IPv4, IPv6 or both.', { choices: ['4', '6', 'IPv4', 'IPv6', 'whatever'] }),
  keepalive: bool('HTTP/1.1 keepalive.'),
  keepcache: str('Keep downloaded packages.', { choices: ['0', '1'] }),
  metadata_expire: str('How long metadata stays fresh.'),
  metadata_expire_filter: str('Which metadata expires.', { choices: ['never', 'read-only:past', 'read-only:present', 'read-only:future'] }),
  metalink: str('A URL to a metalink file.'),
  mirrorlist: str('A URL to a file of mirrors.'),
  mirrorlist_expire: str('How long the mirror list stays fresh.'),
  password: str('Password for HTTP basic authentication.', { noLog: true }),
  priority: str('Priority (lower wins), 1 to 99.'),
  protect: bool('Protect its packages from updates from other repositories.'),
  proxy: str('A proxy URL.'),
  proxy_password: str('The proxy password.', { noLog: true }),
  proxy_username: str('The proxy user.'),
  repo_gpgcheck: bool('Check the GPG signature of its metadata.'),
  retries: str('Download retries.'),
  s3_enabled: bool('Access the repository on S3.'),
  skip_if_unavailable: bool('Go on when the repository cannot be reached.'),
  ssl_check_cert_permissions: bool('Check the permissions of the SSL files.'),
  sslcacert: str('CA certificates for the repository.', { aliases: ['ca_cert'] }),
  sslclientcert: str('Client certificate.', { aliases: ['client_cert'] }),
  sslclientkey: str('Client key.', { aliases: ['client_key'] }),
  sslverify: bool('Verify the server certificate.', { aliases: ['validate_certs'] }),
  throttle: str('Bandwidth throttle.'),
  timeout: str('Seconds before a connection gives up.'),
  ui_repoid_vars: str('Variables appended to the repository id in output.'),
  username: str('User for HTTP basic authentication.'),
};

const SPACE_JOINED = new Set(['exclude', 'includepkgs']);

/** The section the task asks for: its options sorted, as Ansible sets them. */
export function repoSection(args: YumRepositoryArgs): Map<string, string> {
  const values: Record<string, unknown> = { name: args.description };
  for (const key of Object.keys(REPO_OPTIONS)) if (args[key] !== undefined) values[key] = args[key];
  const section = new Map<string, string>();
  for (const key of Object.keys(values).sort()) {
    const value = values[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) section.set(key, value.map(String).join(SPACE_JOINED.has(key) ? ' ' : '\n'));
    else if (typeof value === 'boolean') section.set(key, value ? '1' : '0');
    else section.set(key, String(value));
  }
  return section;
}

/** The file after the task: the section removed, and with state=present added again at the end. */
export function editRepoFile(file: RepoFile, args: YumRepositoryArgs): RepoFile {
  const out: RepoFile = new Map([...file].filter(([name]) => name !== args.name));
  if (args.state === 'present') out.set(args.name, repoSection(args));
  return out;
}

export const yumRepositoryModule = defineModule<YumRepositoryArgs>({
  name: 'yum_repository',
  summary: 'Add or remove a yum/dnf repository in a .repo file',
  description:
    'Keeps the section `name` of `reposdir`/`file`.repo as the task gives it: the section is written whole, options ' +
    'sorted, booleans as 1 and 0, as Ansible writes it (comments in the file are dropped, as configparser drops ' +
    'them). Changed when the sorted sections differ, as in Ansible. A file left without sections is ' +
    'moved into the run\'s backups. `mode`, `owner` and `group` apply to the file. The diff shows the file itself; undo restores it.',
  args: {
    name: { type: 'str', required: true, description: 'The repository id: the section name.' },
    description: { type: 'str', description: 'Its human-readable name (`name =` in the file); required with state=present.' },
    file: { type: 'str', description: 'The file name without `.repo`; default: the repository id.' },
    reposdir: { type: 'path', default: '/etc/yum.repos.d', description: 'The folder of the .repo files; it must exist.' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Whether the section is there.' },
    ...REPO_OPTIONS,
    ...attributeArgs({ of: 'the .repo file' }),
  },
  async plan(ctx, args) {
    if (args.state === 'present') {
      if (args.baseurl === undefined && args.metalink === undefined && args.mirrorlist === undefined) {
        throw new ModuleError("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
      }
      if (args.description === undefined) throw new ModuleError("Parameter 'description' is required.");
    }
    const dest = path.posix.join(args.reposdir, `${args.file ?? args.name}.repo`);
    const [dir, facts] = await ctx.gather(pathsFact, [{ path: args.reposdir, follow: true }, { path: dest, follow: true, content: true }]);
    if (dir?.stat?.type !== 'directory') throw new ModuleError(`Repo directory '${args.reposdir}' does not exist.`);
    const before = facts?.stat ? (facts.content ?? Buffer.alloc(0)).toString('utf8') : undefined;
    let parsed: RepoFile;
    try {
      parsed = parseRepoFile(before ?? '');
    } catch (error) {
      throw new ModuleError(`${dest}: ${(error as Error).message}`);
    }
    const edited = editRepoFile(parsed, args);
    const changed = dumpRepoFile(parsed) !== dumpRepoFile(edited);
    const result = { repo: args.name, state: args.state };
    if (!changed && before === undefined) return { changed: false, result };
    const after = !changed ? before : edited.size ? writeRepoFile(edited) : undefined;
    const plan = await planFileTexts(ctx, [{ path: dest, before, after, attributes: { mode: args.mode, owner: args.owner, group: args.group } }]);
    if (!plan.changed) return { changed: false, result };
    return { ...plan, result };
  },
});
