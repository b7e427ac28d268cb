import test from 'ava';
import { parsePipList } from '../../../src/facts/pip.js';
import { compareVersions, parseRequirement, satisfiesAll } from '../../../src/modules/pip-requirements.js';
import { pipModule, recoverNames } from '../../../src/modules/pip.js';
import { moduleTable } from '../../helpers/module-table.js';

// `python3 -m pip list --format=json --disable-pip-version-check`, pip 23.2 (trimmed to a few packages)
const LISTED = '[{"name": "certifi", "version": "2026.5.20"}, {"name": "Jinja2", "version": "3.1.6"}, {"name": "MarkupSafe", "version": "3.0.3"}, {"name": "PyYAML", "version": "6.0.3"}, {"name": "six", "version": "1.17.0"}]\n';
const withPasslib = LISTED.replace(']\n', ', {"name": "passlib", "version": "1.7.4"}]\n');
const LIST = 'list --format=json';
const PY = '"$(command -v /usr/bin/python3 || command -v python3)"';
const LISTED_BY = `${PY} -m pip list --format=json --disable-pip-version-check`;
const PIP = `${PY} -m pip --disable-pip-version-check`;

test('pip list: packages by their normal name', (t) => {
  const list = parsePipList(`WARNING: something\n${LISTED}`);
  t.deepEqual(list.get('pyyaml'), { name: 'PyYAML', version: '6.0.3' });
  t.deepEqual(list.get('markupsafe'), { name: 'MarkupSafe', version: '3.0.3' });
  t.is(list.size, 5);
});

const versions: Array<[string, string, number]> = [
  ['1.0', '1.0.0', 0],
  ['1.10', '1.9', 1],
  ['2.0rc1', '2.0', -1],
  ['2.0.post1', '2.0', 1],
  ['2.0a1', '2.0b1', -1],
  ['2.0.dev1', '2.0a1', -1],
];
for (const [a, b, sign] of versions) {
  test(`versions: ${a} vs ${b}`, (t) => t.is(Math.sign(compareVersions(a, b)), sign));
}

const requirements: Array<[string, string, boolean | undefined]> = [
  ['PyYAML', '6.0.3', true],
  ['passlib==1.7.4', '1.7.4', true],
  ['passlib==1.7.4', '1.7.2', false],
  ['foo>=1,<2', '1.5', true],
  ['foo>=1,<2', '2.0', false],
  ['foo~=1.4.2', '1.4.9', true],
  ['foo~=1.4.2', '1.5.0', false],
  ['foo==1.*', '1.9', true],
  ['foo[extra]!=2.0', '2.0', false],
  ['git+https://example.com/foo.git', '1.0', undefined],
  ['./dist/foo.whl', '1.0', undefined],
];
for (const [text, version, ok] of requirements) {
  test(`requirement ${text} with ${version}`, (t) => {
    const req = parseRequirement(text);
    if (ok === undefined) return void t.is(req, undefined);
    t.is(satisfiesAll(version, req!.specifiers), ok);
  });
}

test('a specifier split at its comma is joined again', (t) => {
  t.deepEqual(recoverNames(['foo>=1', '<2', 'bar']), ['foo>=1,<2', 'bar']);
});

moduleTable([
  {
    name: 'installed already: nothing to do',
    module: pipModule,
    args: { name: ['PyYAML'] },
    facts: { [LIST]: LISTED },
    expect: { changed: false, reads: 1 },
  },
  {
    name: "ansible_python_interpreter's pip",
    module: pipModule,
    args: { name: ['PyYAML'] },
    vars: { ansible_python_interpreter: '/opt/py/bin/python3' },
    facts: { [LIST]: LISTED },
    expect: { changed: false, readCommands: ['/opt/py/bin/python3 -m pip list --format=json'] },
  },
  {
    name: 'names are compared as pip compares them',
    module: pipModule,
    args: { name: ['pyyaml', 'markupsafe>=3'] },
    facts: { [LIST]: LISTED },
    expect: { changed: false },
  },
  {
    name: 'installs what is missing; undo uninstalls it',
    module: pipModule,
    args: { name: ['passlib', 'six'] },
    facts: { [LIST]: LISTED },
    stepOutputs: { [LIST]: withPasslib },
    expect: {
      changed: true,
      diff: ['python package passlib: absent -> installed'],
      steps: [`${PIP} install passlib`, LISTED_BY],
      undo: [`${PIP} uninstall -y passlib`],
      registered: { changed: true },
    },
    after: { [LIST]: withPasslib },
  },
  {
    name: 'a version: an old one is replaced; undo installs the old one again',
    module: pipModule,
    args: { name: ['six'], version: '1.16.0' },
    facts: { [LIST]: LISTED },
    stepOutputs: { [LIST]: LISTED.replace('1.17.0', '1.16.0') },
    expect: { changed: true, diff: ['python package six: 1.17.0 -> ==1.16.0'], steps: [`${PIP} install six==1.16.0`, LISTED_BY], undo: [`${PIP} install six==1.17.0`] },
    after: { [LIST]: LISTED.replace('1.17.0', '1.16.0') },
  },
  {
    name: 'absent removes what is there; undo installs the same version',
    module: pipModule,
    args: { name: ['six', 'passlib'], state: 'absent' },
    facts: { [LIST]: LISTED },
    expect: { changed: true, diff: ['python package six: 1.17.0 -> absent'], steps: [`${PIP} uninstall -y six`, LISTED_BY], undo: [`${PIP} install six==1.17.0`] },
    after: { [LIST]: LISTED.replace(', {"name": "six", "version": "1.17.0"}', '') },
  },
  {
    name: 'absent and not there: nothing to do',
    module: pipModule,
    args: { name: ['passlib'], state: 'absent' },
    facts: { [LIST]: LISTED },
    expect: { changed: false },
  },
  {
    name: 'latest is left to pip: changed is what the list says afterwards; it cannot be undone',
    module: pipModule,
    args: { name: ['six'], state: 'latest', extra_args: '--index-url "http://mirror/simple"' },
    facts: { [LIST]: LISTED },
    stepOutputs: { [LIST]: LISTED },
    expect: {
      changed: true,
      steps: [`${PIP} install -U --index-url http://mirror/simple six`, LISTED_BY],
      undo: null,
      also: (t, plan) => {
        const none = { stderr: '', durationMs: 0, rc: 0 };
        t.like(plan.afterApply?.([{ ...none, stdout: '' }, { ...none, stdout: LISTED }]), { changed: false });
        t.like(plan.afterApply?.([{ ...none, stdout: '' }, { ...none, stdout: LISTED.replace('1.17.0', '1.18.0') }]), { changed: true });
      },
    },
    idempotence: 'pip alone knows which version is the latest: every run asks it',
  },
  {
    name: 'a requirements file, from chdir, with its own pip',
    module: pipModule,
    args: { requirements: 'requirements.txt', chdir: '/srv/app', executable: '/usr/bin/pip3' },
    facts: { [LIST]: LISTED },
    stepOutputs: { [LIST]: withPasslib },
    expect: {
      changed: true,
      steps: ['cd /srv/app && /usr/bin/pip3 --disable-pip-version-check install -r requirements.txt', 'cd /srv/app && /usr/bin/pip3 list --format=json --disable-pip-version-check'],
      undo: null,
      registered: { changed: true },
    },
    idempotence: 'a requirements file is read by pip only: every run asks it',
  },
  {
    name: 'a missing virtualenv is created first; undo removes it',
    module: pipModule,
    args: { name: ['passlib'], virtualenv: '/opt/venv', virtualenv_command: 'python3 -m venv' },
    facts: { 'venv/bin/python': '@@ 0\nabsent\nancestor:/opt\n' },
    expect: {
      changed: true,
      diff: ['virtualenv /opt/venv: absent -> present', 'python package passlib: absent -> installed'],
      steps: ['python3 -m venv /opt/venv', '/opt/venv/bin/pip --disable-pip-version-check install passlib', '/opt/venv/bin/pip list --format=json --disable-pip-version-check'],
      undo: ['rm -rf -- /opt/venv'],
      reads: 1,
    },
    idempotence: 'the fake host does not follow the virtualenv being made',
  },
  {
    name: 'version with several names is refused',
    module: pipModule,
    args: { name: ['a', 'b'], version: '1.0' },
    expect: { error: 'pip: version is only allowed with a single name' },
  },
  {
    name: 'neither name nor requirements is refused',
    module: pipModule,
    args: {},
    expect: { error: 'pip: one of name or requirements is required' },
  },
]);
