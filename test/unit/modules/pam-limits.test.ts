import { readFileSync } from 'node:fs';
import test from 'ava';
import { invalidValue, pamLimitsEdit, pamLimitsModule } from '../../../src/modules/pam-limits.js';
import { moduleTable } from '../../helpers/module-table.js';
import { absent, checks, pathsProbe, present, restores, writes } from './core-modules-harness.js';

const base = { domain: '*', limit_type: 'soft' as const, limit_item: 'nofile', value: '65536', use_max: false, use_min: false, comment: '', dest: '/etc/security/limits.conf' };

// [title, file before, arguments over base, file after]
const edits: Array<[string, string, Partial<typeof base>, string]> = [
  ['appended to a file of comments', '# /etc/security/limits.conf\n#*  soft core 0\n', {}, '# /etc/security/limits.conf\n#*  soft core 0\n*\tsoft\tnofile\t65536\n'],
  ['appended after a last line without newline', 'root hard core 0', {}, 'root hard core 0\n*\tsoft\tnofile\t65536\n'],
  ['changed in place, whatever the spacing', 'a b c 1\n*    soft   nofile   1024\nz - nproc 5\n', {}, 'a b c 1\n*\tsoft\tnofile\t65536\nz - nproc 5\n'],
  ['the same value: untouched', '*  soft  nofile  65536  # keep\n', {}, '*  soft  nofile  65536  # keep\n'],
  ['a changed line keeps its comment', '* soft nofile 1024 # raised for etcd\n', {}, '*\tsoft\tnofile\t65536\t# raised for etcd\n'],
  ['a comment given replaces it', '* soft nofile 1024 # old\n', { comment: 'new' }, '*\tsoft\tnofile\t65536\t#new\n'],
  ['use_max keeps a larger number', '* soft nofile 100000\n', { use_max: true }, '* soft nofile 100000\n'],
  ['use_max raises a smaller one', '* soft nofile 10\n', { use_max: true }, '*\tsoft\tnofile\t65536\n'],
  ['use_max keeps unlimited', '* soft nofile unlimited\n', { use_max: true }, '* soft nofile unlimited\n'],
  ['use_min lowers a larger number', '* soft nofile 100000\n', { use_min: true }, '*\tsoft\tnofile\t65536\n'],
  ['use_min with unlimited wanted keeps the number found', '* soft nofile 10\n', { use_min: true, value: 'unlimited' }, '* soft nofile 10\n'],
  ['use_min replaces an unlimited found', '* soft nofile infinity\n', { use_min: true }, '*\tsoft\tnofile\t65536\n'],
  ['-1 is a value', '', { value: '-1', limit_item: 'memlock' }, '*\tsoft\tmemlock\t-1\n'],
  ['a type differing is another line', '* hard nofile 1024\n', {}, '* hard nofile 1024\n*\tsoft\tnofile\t65536\n'],
  ['nice takes a negative number', '', { limit_item: 'nice', value: '-10', domain: '@etcd' }, '@etcd\tsoft\tnice\t-10\n'],
  ['use_max on priority compares numbers, -1 included', '* soft priority -1\n', { limit_item: 'priority', value: '-5', use_max: true }, '* soft priority -1\n'],
  ['use_min on priority lowers', '* soft priority -1\n', { limit_item: 'priority', value: '-5', use_min: true }, '*\tsoft\tpriority\t-5\n'],
];

for (const [title, before, over, after] of edits) {
  test(`pam_limits edit: ${title}`, (t) => {
    const r = pamLimitsEdit(before, { ...base, ...over });
    t.is(r.text, after);
    t.is(r.changed, before !== after);
    const again = pamLimitsEdit(r.text, { ...base, ...over });
    t.false(again.changed, 'idempotent');
  });
}

test('pam_limits edit: a line whose value is not a limit fails as in Ansible', (t) => {
  t.throws(() => pamLimitsEdit('* soft nofile lots\n', base), { message: /^Invalid configuration found in '\/etc\/security\/limits.conf'. Value of 'lots' for item 'nofile' is invalid/ });
});

const file = (content: string) => [pathsProbe(present(0, { content, withContent: true }))];
const MISSING = [pathsProbe(absent(0, '/etc/security/limits.d'))];
const LIMITS = '# limits\n*  soft  nofile  1024\n';

interface Captured {
  title: string;
  before: string;
  args: Partial<typeof base>;
  changed: boolean | null;
  failed: boolean;
  after: string | null;
  msg: string;
}

// community.general 6.6's pam_limits (Ansible 7, ansible-core 2.14) run in check mode with --diff on each file
const captured = JSON.parse(readFileSync(new URL('../../fixtures/pam-limits/captured.json', import.meta.url), 'utf8')) as Captured[];
// where ezplay writes a sound file and Ansible does not: a line glued to a last line without newline, a blank line after a kept comment
const DIFFERENT_ON_PURPOSE: Record<string, string> = {
  'no trailing newline': 'root hard core 0\n*\tsoft\tnofile\t65536\n',
  'changed keeps own comment': '*\tsoft\tnofile\t65536\t# raised\n',
};

for (const c of captured) {
  test(`pam_limits as community.general: ${c.title}`, (t) => {
    const a = { ...base, ...c.args };
    // the module checks the value given before it reads the file
    const run = () => {
      const invalid = invalidValue(a.limit_item, a.value);
      if (invalid !== undefined) throw new Error(invalid);
      return pamLimitsEdit(c.before, a);
    };
    if (c.failed) {
      t.throws(run, { message: c.msg.trim() });
      return;
    }
    const r = run();
    t.is(r.changed, c.changed === true);
    t.is(r.text, DIFFERENT_ON_PURPOSE[c.title] ?? c.after);
    if (!DIFFERENT_ON_PURPOSE[c.title]) t.is(r.msg, c.msg);
  });
}

test('pam_limits values: nice and priority from -20 to 19', (t) => {
  t.is(invalidValue('nice', '-20'), undefined);
  t.regex(invalidValue('nice', '20') ?? '', /range -20 to 19/);
  t.regex(invalidValue('priority', 'unlimited') ?? '', /range -20 to 19/);
  t.is(invalidValue('memlock', 'infinity'), undefined);
  t.regex(invalidValue('nofile', '-2') ?? '', /a limit of 0 or larger/);
});

moduleTable([
  {
    name: 'changes the line in place; undo restores the file',
    module: pamLimitsModule,
    args: { domain: '*', limit_type: 'soft', limit_item: 'nofile', value: 65536 },
    facts: file(LIMITS),
    expect: {
      changed: true,
      reads: 1,
      diff: [{ before: LIMITS, after: '# limits\n*\tsoft\tnofile\t65536\n', kind: 'content' }],
      msg: '*\tsoft\tnofile\t65536\n',
      also: checks(writes('put /etc/security/limits.conf 644'), restores('/etc/security/limits.conf')),
    },
    after: file('# limits\n*\tsoft\tnofile\t65536\n'),
  },
  {
    name: 'already set: no change, msg is the line',
    module: pamLimitsModule,
    args: { domain: '*', limit_type: 'soft', limit_item: 'nofile', value: '1024' },
    facts: file(LIMITS),
    expect: { changed: false, msg: '*  soft  nofile  1024\n' },
  },
  {
    name: 'a missing dest is created (create defaults to true); undo removes it',
    module: pamLimitsModule,
    args: { domain: 'etcd', limit_type: '-', limit_item: 'memlock', value: 'unlimited', dest: '/etc/security/limits.d/etcd.conf' },
    facts: MISSING,
    expect: { changed: true, steps: ['put /etc/security/limits.d/etcd.conf'], undo: ['rm -f -- /etc/security/limits.d/etcd.conf'] },
    after: file('etcd\t-\tmemlock\tunlimited\n'),
  },
  {
    name: 'a missing folder is not made, as in Ansible',
    module: pamLimitsModule,
    args: { domain: '*', limit_type: 'soft', limit_item: 'nofile', value: '1', dest: '/etc/security/limits.d/etcd.conf' },
    facts: [pathsProbe(absent(0, '/etc'))],
    expect: { error: 'directory /etc/security/limits.d is not writable (check presence, access rights, use sudo)' },
  },
  {
    name: 'create false and a missing dest: an error',
    module: pamLimitsModule,
    args: { domain: '*', limit_type: 'soft', limit_item: 'nofile', value: '1', create: false },
    facts: MISSING,
    expect: { error: /does not exist/ },
  },
  {
    name: 'use_max and use_min together are refused',
    module: pamLimitsModule,
    args: { domain: '*', limit_type: 'soft', limit_item: 'nofile', value: '1', use_max: true, use_min: true },
    expect: { error: 'Cannot use use_min and use_max at the same time.' },
  },
  {
    name: 'a value that is no limit is refused',
    module: pamLimitsModule,
    args: { domain: '*', limit_type: 'soft', limit_item: 'nofile', value: 'many' },
    expect: { error: /^Value of 'many' for item 'nofile' is invalid. Value must either be 'unlimited'/ },
  },
  {
    name: 'limit_item takes its choices',
    module: pamLimitsModule,
    args: { domain: '*', limit_type: 'soft', limit_item: 'files', value: '1' },
    expect: { error: /must be one of/ },
  },
]);
