import { readFileSync } from 'node:fs';
import test from 'ava';
import { iniEdit } from '../../../src/modules/ini-edit.js';
import { iniFileModule } from '../../../src/modules/ini-file.js';
import { findModule } from '../../../src/modules/registry.js';
import { moduleTable } from '../../helpers/module-table.js';
import { absent, checks, pathsProbe, present, restores, writes } from './core-modules-harness.js';

interface Captured {
  title: string;
  before: string;
  args: { section?: string; option?: string; value?: string; values?: string[]; state?: 'present' | 'absent'; exclusive?: boolean; no_extra_spaces?: boolean; allow_no_value?: boolean };
  after: string;
  changed: boolean;
  msg: string;
}

// community.general 6.6's ini_file (Ansible 7, ansible-core 2.14) run in check mode on each file: what it would write, changed, msg
const captured = JSON.parse(readFileSync(new URL('../../fixtures/ini-file/captured.json', import.meta.url), 'utf8')) as Captured[];

for (const c of captured) {
  test(`ini_file edit: ${c.title}`, (t) => {
    const a = c.args;
    const options = {
      section: a.section,
      option: a.option,
      values: a.values ?? (a.value !== undefined ? [a.value] : []),
      state: a.state ?? 'present',
      exclusive: a.exclusive ?? true,
      noExtraSpaces: a.no_extra_spaces ?? false,
      allowNoValue: a.allow_no_value ?? false,
    };
    const r = iniEdit(c.before, options);
    t.deepEqual({ text: r.text, changed: r.changed, msg: r.msg }, { text: c.after, changed: c.changed, msg: c.msg });
    const again = iniEdit(r.text, options);
    t.false(again.changed, `idempotent: ${again.msg}`);
  });
}

const file = (content: string, mode = 0o644) => [pathsProbe(present(0, { content, withContent: true, mode }))];
const MISSING = [pathsProbe(absent(0, '/etc/yum.repos.d'))];

moduleTable([
  {
    name: 'an option added; undo restores the file',
    module: iniFileModule,
    args: { path: '/etc/yum.repos.d/k8s.repo', section: 'kubernetes', option: 'enabled', value: 1 },
    facts: file('[kubernetes]\nname=Kubernetes\n'),
    expect: {
      changed: true,
      reads: 1,
      msg: 'option added',
      diff: [{ before: '[kubernetes]\nname=Kubernetes\n', after: '[kubernetes]\nname=Kubernetes\nenabled = 1\n', kind: 'content' }],
      also: checks(writes('put /etc/yum.repos.d/k8s.repo 644'), restores('/etc/yum.repos.d/k8s.repo')),
    },
    after: file('[kubernetes]\nname=Kubernetes\nenabled = 1\n'),
  },
  {
    name: 'set already: OK, no change',
    module: iniFileModule,
    args: { dest: '/etc/yum.repos.d/k8s.repo', section: 'kubernetes', option: 'enabled', value: '1' },
    facts: file('[kubernetes]\nenabled = 1\n'),
    expect: { changed: false, msg: 'OK' },
  },
  {
    name: 'a missing file is created with its mode; undo removes it',
    module: iniFileModule,
    args: { path: '/etc/yum.repos.d/k8s.repo', section: 'k', option: 'o', value: 'v', mode: '0600' },
    facts: MISSING,
    expect: { changed: true, msg: 'section and option added', steps: ['put /etc/yum.repos.d/k8s.repo 600'], undo: ['rm -f -- /etc/yum.repos.d/k8s.repo'] },
    after: file('\n[k]\no = v\n', 0o600),
  },
  {
    name: 'only the mode differs: the kit changes it, msg stays OK as in Ansible',
    module: iniFileModule,
    args: { path: '/etc/app.ini', section: 's', option: 'o', value: 'v', mode: '0600' },
    facts: file('[s]\no = v\n'),
    expect: { changed: true, msg: 'OK' }, // Ansible's msg: only changed says the attributes moved
    after: file('[s]\no = v\n', 0o600),
  },
  {
    name: 'create false and a missing file: an error',
    module: iniFileModule,
    args: { path: '/etc/yum.repos.d/k8s.repo', section: 'k', option: 'o', value: 'v', create: false },
    facts: MISSING,
    expect: { error: /does not exist/ },
  },
  {
    name: 'value or values is needed for present',
    module: iniFileModule,
    args: { path: '/etc/app.ini', section: 's', option: 'o' },
    expect: { error: "Parameter 'value(s)' must be defined if state=present and allow_no_value=False." },
  },
  {
    name: 'value and values together are refused',
    module: iniFileModule,
    args: { path: '/etc/app.ini', section: 's', option: 'o', value: 'a', values: ['b'] },
    expect: { error: /mutually exclusive: value\|values/ },
  },
  {
    name: 'absent on a missing file: nothing to do',
    module: iniFileModule,
    args: { path: '/etc/yum.repos.d/k8s.repo', section: 'k', state: 'absent' },
    facts: MISSING,
    expect: { changed: false },
  },
]);

test('the new modules answer to their collection names', (t) => {
  for (const [full, name] of [
    ['community.general.ini_file', 'ini_file'],
    ['community.general.pam_limits', 'pam_limits'],
    ['ansible.posix.selinux', 'selinux'],
    ['ansible.builtin.package_facts', 'package_facts'],
    ['ansible.builtin.service_facts', 'service_facts'],
  ] as const) {
    t.is(findModule(full)?.name, name, full);
  }
});
