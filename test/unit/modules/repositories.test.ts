import test, { type ExecutionContext } from 'ava';
import type { FakeConnection } from '../../../src/connection/fake.js';
import { parseAptKeys, parseKeyIds } from '../../../src/facts/apt-keys.js';
import { parseAptSources } from '../../../src/facts/apt-sources.js';
import { aptKeyModule, parseKeyId } from '../../../src/modules/apt-key.js';
import { aptRepositoryModule } from '../../../src/modules/apt-repository.js';
import { dumpSourcesFile, parseSourcesFile, sourceFileName } from '../../../src/modules/apt-sources-edit.js';
import { dumpRepoFile, parseRepoFile, writeRepoFile } from '../../../src/modules/repo-file-edit.js';
import type { Plan } from '../../../src/modules/types.js';
import { editRepoFile, yumRepositoryModule, type YumRepositoryArgs } from '../../../src/modules/yum-repository.js';
import { moduleTable, type HostAnswers } from '../../helpers/module-table.js';
import { absent, present } from './core-modules-harness.js';

// ------------------------------------------------------------ apt sources

test('apt source lines are written back as Ansible writes them', (t) => {
  const text = 'deb  http://deb.debian.org/debian   bookworm main\n#deb-src http://a b c # old\n\n# just a note\nnot a source\n';
  t.is(dumpSourcesFile(parseSourcesFile(text)), 'deb http://deb.debian.org/debian bookworm main\n# deb-src http://a b c # old\n\n# just a note\nnot a source\n');
  t.is(dumpSourcesFile(parseSourcesFile('deb http://x y z')), 'deb http://x y z\n', 'a last line without its newline');
});

const fileNames: Array<[string, string | undefined, string]> = [
  ['deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable', undefined, '/etc/apt/sources.list.d/download_docker_com_linux_debian.list'],
  ['deb http://user:secret@mirror.example.com:8080/debian/ bookworm main', undefined, '/etc/apt/sources.list.d/mirror_example_com_8080_debian.list'],
  ['deb http://x/ y z', 'docker', '/etc/apt/sources.list.d/docker.list'],
  ['deb http://x/ y z', '/etc/apt/elsewhere', '/etc/apt/elsewhere.list'],
];
for (const [source, filename, expected] of fileNames) {
  test(`apt source file name: ${source}${filename ? ` (filename ${filename})` : ''}`, (t) => {
    t.is(sourceFileName(source, filename, '/etc/apt/sources.list.d'), expected);
  });
}

test('apt sources fact: each file and its text', (t) => {
  const out = `@@file /etc/apt/sources.list\n${Buffer.from('deb http://a b c\n').toString('base64')}\n@@file /etc/apt/sources.list.d/x.list\n\n`;
  t.deepEqual([...parseAptSources(out)], [['/etc/apt/sources.list', 'deb http://a b c\n'], ['/etc/apt/sources.list.d/x.list', '']]);
});

const MAIN = 'deb http://deb.debian.org/debian bookworm main\n';
const DOCKER = 'deb [arch=amd64] https://download.docker.com/linux/debian bookworm stable';
const DOCKER_FILE = '/etc/apt/sources.list.d/download_docker_com_linux_debian.list';

/** The host's source files: the listing, and the paths probe of each file a plan writes. */
function sources(files: Record<string, string>, probed: string[]): HostAnswers {
  const listing = Object.entries(files).map(([f, text]) => `@@file ${f}\n${Buffer.from(text).toString('base64')}\n`).join('');
  return [
    ['@@file', listing],
    ...probed.map((f): [RegExp, string] => [
      new RegExp(`p=${f.replaceAll('.', '\\.')}(?![\\w./])`),
      `${files[f] === undefined ? absent(0, '/etc/apt/sources.list.d') : present(0, { content: files[f], withContent: true })}\n`,
    ]),
  ];
}

const noAptGetUpdate = (t: ExecutionContext, _plan: Plan, host: FakeConnection) =>
  t.false(host.commands().some((c) => /apt-get -q update|mv -f|cat >/.test(c)), 'planning only reads');

moduleTable([
  {
    name: 'apt_repository: a new source goes to a file named after it, then apt-get update; undo removes the file',
    module: aptRepositoryModule,
    args: { repo: DOCKER },
    facts: sources({ '/etc/apt/sources.list': MAIN }, [DOCKER_FILE]),
    expect: {
      changed: true,
      diff: [{ subject: DOCKER_FILE, before: '', after: `${DOCKER}\n` }],
      descriptions: [`write ${DOCKER_FILE}`, 'update the apt cache'],
      undoDescriptions: [`remove ${DOCKER_FILE}`],
      result: { repo: DOCKER, state: 'present' },
      also: (t, plan, host) => {
        noAptGetUpdate(t, plan, host);
        const put = plan.steps?.find((s) => s.kind === 'put');
        t.is(put?.kind === 'put' ? put.mode : undefined, 0o644);
      },
    },
    after: sources({ '/etc/apt/sources.list': MAIN, [DOCKER_FILE]: `${DOCKER}\n` }, [DOCKER_FILE]),
  },
  {
    name: 'apt_repository: the source is there (spaced otherwise), nothing to do',
    module: aptRepositoryModule,
    args: { repo: 'deb http://deb.debian.org/debian  bookworm main' },
    facts: sources({ '/etc/apt/sources.list': `#comment\n${MAIN}` }, []),
    expect: { changed: false, reads: 1 },
  },
  {
    name: 'apt_repository: a disabled copy is enabled in place, without a cache update when asked',
    module: aptRepositoryModule,
    args: { repo: 'deb http://a/debian bookworm main', update_cache: false },
    facts: sources({ '/etc/apt/sources.list': `${MAIN}#deb http://a/debian bookworm main # mirror\n` }, ['/etc/apt/sources.list']),
    expect: {
      changed: true,
      diff: [{ subject: '/etc/apt/sources.list', after: `${MAIN}deb http://a/debian bookworm main # mirror\n` }],
      descriptions: ['back up /etc/apt/sources.list', 'write /etc/apt/sources.list'],
      also: noAptGetUpdate,
    },
    after: sources({ '/etc/apt/sources.list': `${MAIN}deb http://a/debian bookworm main # mirror\n` }, ['/etc/apt/sources.list']),
  },
  {
    name: 'apt_repository: absent removes the line; a file left empty is moved aside, undo brings it back',
    module: aptRepositoryModule,
    args: { repo: DOCKER, state: 'absent', update_cache: false },
    facts: sources({ '/etc/apt/sources.list': `${MAIN}${DOCKER}\n`, [DOCKER_FILE]: `${DOCKER}\n` }, ['/etc/apt/sources.list']),
    expect: {
      changed: true,
      diff: [
        { subject: '/etc/apt/sources.list', after: MAIN },
        { subject: DOCKER_FILE, before: `${DOCKER}\n`, after: '' },
      ],
      descriptions: ['back up /etc/apt/sources.list', 'write /etc/apt/sources.list', `remove ${DOCKER_FILE} (kept in the run's backups)`],
      also: (t, plan) => t.deepEqual(plan.writes, ['/etc/apt/sources.list', DOCKER_FILE]),
    },
    after: sources({ '/etc/apt/sources.list': MAIN }, ['/etc/apt/sources.list']),
  },
  {
    name: 'apt_repository: absent and not there, nothing to do',
    module: aptRepositoryModule,
    args: { repo: DOCKER, state: 'absent' },
    facts: sources({ '/etc/apt/sources.list': MAIN }, []),
    expect: { changed: false },
  },
  {
    name: 'apt_repository: filename and mode for the new file',
    module: aptRepositoryModule,
    args: { repo: DOCKER, filename: 'docker', mode: '0600', update_cache: false },
    facts: sources({}, ['/etc/apt/sources.list.d/docker.list']),
    expect: { changed: true, descriptions: ['write /etc/apt/sources.list.d/docker.list'], steps: ['put /etc/apt/sources.list.d/docker.list 600'] },
    after: sources({ '/etc/apt/sources.list.d/docker.list': `${DOCKER}\n` }, ['/etc/apt/sources.list.d/docker.list']),
  },
  { name: 'apt_repository: a line that is no source is refused', module: aptRepositoryModule, args: { repo: 'http://x y z' }, expect: { error: 'Invalid repository string: http://x y z', reads: 0 } },
  { name: 'apt_repository: ppa is not supported', module: aptRepositoryModule, args: { repo: 'ppa:x/y' }, expect: { error: /ppa: repositories are not supported/, reads: 0 } },
]);

// ------------------------------------------------------------ yum repositories

// captured: Ansible 2.14.18's yum_repository, reposdir in a temporary folder, on this existing file
const EXISTING = '[existing]\n# a comment\nname=Existing\nbaseurl=http://example.com/a\n  http://example.com/b\nenabled=1\n';
const EPEL_ARGS = {
  name: 'epel',
  file: 'epel',
  description: 'Extra Packages for Enterprise Linux 7 - $basearch',
  baseurl: ['http://download.fedoraproject.org/pub/epel/7/$basearch'],
  gpgcheck: true,
  gpgkey: ['http://download.fedoraproject.org/pub/epel/RPM-GPG-KEY-EPEL-7'],
  skip_if_unavailable: true,
  enabled: true,
  repo_gpgcheck: false,
  exclude: ['a', 'b'],
};
const ANSIBLE_WROTE =
  '[existing]\nname = Existing\nbaseurl = http://example.com/a\n\thttp://example.com/b\nenabled = 1\n\n' +
  '[epel]\nbaseurl = http://download.fedoraproject.org/pub/epel/7/$basearch\nenabled = 1\nexclude = a b\ngpgcheck = 1\n' +
  'gpgkey = http://download.fedoraproject.org/pub/epel/RPM-GPG-KEY-EPEL-7\nname = Extra Packages for Enterprise Linux 7 - $basearch\n' +
  'repo_gpgcheck = 0\nskip_if_unavailable = 1\n\n';

test('yum_repository writes what Ansible wrote for the same file and task', (t) => {
  const args = { ...EPEL_ARGS, reposdir: '/r', state: 'present' } as YumRepositoryArgs;
  t.is(writeRepoFile(editRepoFile(parseRepoFile(EXISTING), args)), ANSIBLE_WROTE);
  t.is(writeRepoFile(editRepoFile(parseRepoFile(ANSIBLE_WROTE), args)), ANSIBLE_WROTE, 'again: the same bytes');
  t.is(dumpRepoFile(parseRepoFile(ANSIBLE_WROTE)).split('\n')[0], '[epel]', 'compared sorted');
  t.is(writeRepoFile(editRepoFile(parseRepoFile(ANSIBLE_WROTE), { ...args, state: 'absent' })), EXISTING.replace('# a comment\n', '').replaceAll('=', ' = ').replace('\n  http', '\n\thttp') + '\n');
});

/** The reposdir and the .repo file, as the paths probe answers for them. */
const repoHost = (text: string | undefined): HostAnswers => [
  [/p=\/etc\/yum\.repos\.d(?![\w./])/, `${present(0, { kind: 'directory', mode: 0o755 })}\n${text === undefined ? absent(1, '/etc/yum.repos.d') : present(1, { content: text, withContent: true })}\n`],
  [/p=\/etc\/yum\.repos\.d\/epel\.repo/, `${text === undefined ? absent(0, '/etc/yum.repos.d') : present(0, { content: text, withContent: true })}\n`],
];

moduleTable([
  {
    name: 'yum_repository: a new .repo file; undo removes it',
    module: yumRepositoryModule,
    args: { ...EPEL_ARGS },
    facts: repoHost(undefined),
    expect: { changed: true, descriptions: ['write /etc/yum.repos.d/epel.repo'], undoDescriptions: ['remove /etc/yum.repos.d/epel.repo'], result: { repo: 'epel', state: 'present' } },
    after: repoHost(ANSIBLE_WROTE.slice(ANSIBLE_WROTE.indexOf('[epel]'))),
  },
  {
    name: 'yum_repository: the section is as asked, nothing to do',
    module: yumRepositoryModule,
    args: { ...EPEL_ARGS },
    facts: repoHost(ANSIBLE_WROTE),
    expect: { changed: false },
  },
  {
    name: 'yum_repository: a changed option rewrites the file, backed up first',
    module: yumRepositoryModule,
    args: { ...EPEL_ARGS, enabled: false },
    facts: repoHost(ANSIBLE_WROTE),
    expect: { changed: true, descriptions: ['back up /etc/yum.repos.d/epel.repo', 'write /etc/yum.repos.d/epel.repo'] },
    after: repoHost(ANSIBLE_WROTE.replace('\n\n[epel]\nbaseurl = http://download.fedoraproject.org/pub/epel/7/$basearch\nenabled = 1', '\n\n[epel]\nbaseurl = http://download.fedoraproject.org/pub/epel/7/$basearch\nenabled = 0')),
  },
  {
    name: 'yum_repository: absent on the last section moves the file aside',
    module: yumRepositoryModule,
    args: { name: 'epel', state: 'absent' },
    facts: repoHost('[epel]\nname = x\nbaseurl = http://x\n\n'),
    expect: { changed: true, descriptions: ["remove /etc/yum.repos.d/epel.repo (kept in the run's backups)"] },
    after: repoHost(undefined),
  },
  { name: 'yum_repository: present needs a URL', module: yumRepositoryModule, args: { name: 'x', description: 'x' }, expect: { error: "Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.", reads: 0 } },
  { name: 'yum_repository: present needs a description', module: yumRepositoryModule, args: { name: 'x', baseurl: ['http://x'] }, expect: { error: "Parameter 'description' is required.", reads: 0 } },
]);

// ------------------------------------------------------------ apt keys

// captured on Debian 12: `apt-key adv --list-public-keys --keyid-format=long` (abridged)
const LISTING = `Executing: /tmp/apt-key-gpghome.Todyuj15S0/gpg.1.sh --list-public-keys --keyid-format=long
/tmp/apt-key-gpghome.Todyuj15S0/pubring.gpg
-------------------------------------------
pub   rsa4096/B7C5D7D6350947F8 2023-01-21 [SC] [expires: 2031-01-19]
      B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8
uid                 [ unknown] Debian Archive Automatic Signing Key (12/bookworm) <ftpmaster@debian.org>
sub   rsa4096/6ED0E7B82643E131 2023-01-21 [S] [expires: 2031-01-19]

pub   rsa4096/AAAABBBBCCCCDDDD 2015-01-01 [SC] [expired: 2020-01-01]
`;
const DOCKER_KEY = '9DC858229FC7DD38854AE2D88D81803C0EBFCD88';

test('apt keys: long ids of keys and subkeys, expired ones left out', (t) => {
  t.deepEqual(parseKeyIds(LISTING), ['B7C5D7D6350947F8', '6ED0E7B82643E131']);
  t.deepEqual(parseKeyIds('pub:-:4096:1:8D81803C0EBFCD88:1487788586:::-:::scESA::::::23::0:\n'), ['8D81803C0EBFCD88']);
  t.deepEqual(parseAptKeys(`@@keyring /etc/apt/trusted.gpg\n${LISTING}`).keyrings, ['/etc/apt/trusted.gpg']);
});

test('apt key ids: short, long and full as Ansible splits them', (t) => {
  t.deepEqual(parseKeyId(`0x${DOCKER_KEY.toLowerCase()}`), { short: '0EBFCD88', long: '8D81803C0EBFCD88', full: DOCKER_KEY });
  t.deepEqual(parseKeyId('0EBFCD88'), { short: '0EBFCD88', long: '0EBFCD88', full: '0EBFCD88' });
  t.throws(() => parseKeyId('12345'), { message: /invalid key id/ });
});

const keysHost = (keyrings: string[], listing: string): HostAnswers => [['adv --list-public-keys', `${keyrings.map((k) => `@@keyring ${k}\n`).join('')}${listing}`]];
const WITH_DOCKER = `${LISTING}pub   rsa4096/8D81803C0EBFCD88 2017-02-22 [SCEA]\n`;

moduleTable([
  {
    name: 'apt_key: the key is listed, nothing to do',
    module: aptKeyModule,
    args: { id: DOCKER_KEY, url: 'https://download.docker.com/linux/debian/gpg' },
    facts: keysHost(['/etc/apt/trusted.gpg'], WITH_DOCKER),
    expect: { changed: false, reads: 1, result: { fp: '8D81803C0EBFCD88', short_id: '0EBFCD88' } },
  },
  {
    name: 'apt_key: a missing key from a URL into a keyring: fetched and added on the host; undo removes the new keyring',
    module: aptKeyModule,
    args: { id: DOCKER_KEY, url: 'https://download.docker.com/linux/debian/gpg', keyring: '/etc/apt/trusted.gpg.d/docker.gpg' },
    facts: keysHost([], LISTING),
    expect: {
      changed: true,
      diff: ['apt key 8D81803C0EBFCD88: absent -> present'],
      descriptions: ['add the key at https://download.docker.com/linux/debian/gpg', 'check that key 8D81803C0EBFCD88 is there'],
      undoDescriptions: ['remove /etc/apt/trusted.gpg.d/docker.gpg, /etc/apt/trusted.gpg.d/docker.gpg~'],
      also: (t, plan, host) => {
        t.false(host.commands().some((c) => / add /.test(c) || c.includes('curl')), 'planning only reads');
        const check = plan.steps?.[1];
        t.is(check?.kind === 'exec' ? check.command.split(' >&2')[0]?.split('then echo ')[1] : '', "'apt-key did not return an error, but failed to add the key (check that the id is correct and *not* a subkey)'");
        t.regex((plan.steps?.[0] as { command: string }).command, /curl -fsSL -o "\$k" https:\/\/download\.docker\.com\/linux\/debian\/gpg; then apt-key --keyring \/etc\/apt\/trusted\.gpg\.d\/docker\.gpg add "\$k"/);
      },
    },
    after: keysHost(['/etc/apt/trusted.gpg.d/docker.gpg'], WITH_DOCKER),
  },
  {
    name: 'apt_key: absent without a keyring backs up every keyring apt-key may rewrite',
    module: aptKeyModule,
    args: { id: '0EBFCD88', state: 'absent' },
    facts: keysHost(['/etc/apt/trusted.gpg', '/etc/apt/trusted.gpg.d/docker.gpg'], WITH_DOCKER),
    expect: {
      changed: true,
      descriptions: ['back up /etc/apt/trusted.gpg, /etc/apt/trusted.gpg.d/docker.gpg', 'delete key 0EBFCD88', 'check that key 0EBFCD88 is gone'],
    },
    after: keysHost(['/etc/apt/trusted.gpg', '/etc/apt/trusted.gpg.d/docker.gpg'], LISTING),
  },
  { name: 'apt_key: keyserver without id is an error', module: aptKeyModule, args: { keyserver: 'keyserver.ubuntu.com' }, expect: { error: 'Missing key_id, required with keyserver.', reads: 0 } },
  { name: 'apt_key: data and url together are refused', module: aptKeyModule, args: { id: DOCKER_KEY, data: 'x', url: 'http://x' }, expect: { error: /mutually exclusive/, reads: 0 } },
]);
