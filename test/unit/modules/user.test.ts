import test from 'ava';
import { parseUserFacts } from '../../../src/facts/users.js';
import { user } from '../../../src/modules/user.js';
import { ModuleError } from '../../../src/errors.js';
import { moduleTable } from '../../helpers/module-table.js';
import { FakeConnection } from '../../../src/connection/fake.js';
import { createHostContext } from '../../../src/engine/host-context.js';
import { validateArgs } from '../../../src/modules/args.js';
import type { Step } from '../../../src/modules/types.js';
import { passwordDigest } from '../../../src/modules/user-password.js';

// captured on Debian 12 (shadow 4.13) with the module's own probe command
const OPS =
  '@@ezplay:begin:passwd\nops:x:1000:1000::/home/ops:/bin/bash\n\n@@ezplay:end:0\n@@ezplay:begin:primary\nops\n\n@@ezplay:end:0\n' +
  '@@ezplay:begin:all-groups\nops adm sudo\n\n@@ezplay:end:0\n@@ezplay:begin:group-db\nops:x:1000:\nadm:x:4:ops\n\n@@ezplay:end:2\n' +
  '@@ezplay:begin:home\n\n@@ezplay:end:0\n@@ezplay:begin:password\nusable\n\n@@ezplay:end:0\n';
const ABSENT =
  '@@ezplay:begin:passwd\n\n@@ezplay:end:2\n@@ezplay:begin:primary\n\n@@ezplay:end:1\n@@ezplay:begin:all-groups\n\n@@ezplay:end:1\n' +
  '@@ezplay:begin:group-db\n\n@@ezplay:end:2\n@@ezplay:begin:home\n\n@@ezplay:end:1\n';

/** The probe output of a user, section by section. */
function probeOutput(s: { passwd?: string; groups?: string; groupDb?: string; home?: boolean; password?: string; digestOf?: string }): string {
  const part = (name: string, out: string, rc: number) => `@@ezplay:begin:${name}\n${out}\n\n@@ezplay:end:${rc}\n`;
  const groups = (s.groups ?? '').split(' ');
  return (
    part('passwd', s.passwd ?? '', s.passwd ? 0 : 2) +
    part('primary', s.passwd ? (groups[0] ?? '') : '', s.passwd ? 0 : 1) +
    part('all-groups', s.groups ?? '', s.passwd ? 0 : 1) +
    part('group-db', s.groupDb ?? '', 0) +
    part('home', '', s.home ? 0 : 1) +
    (s.password ? part('password', s.password, 0) : '') +
    (s.digestOf !== undefined ? part('password-digest', `${passwordDigest(s.digestOf)}  -`, 0) : '')
  );
}

test('parses a captured probe of an existing user', (t) => {
  const f = parseUserFacts(OPS);
  t.deepEqual(f.entry, { name: 'ops', uid: 1000, gid: 1000, comment: '', home: '/home/ops', shell: '/bin/bash' });
  t.is(f.primaryGroup, 'ops');
  t.deepEqual(f.groups, ['adm', 'sudo']);
  t.deepEqual([...f.knownGroups], [['ops', 1000], ['adm', 4]]);
  t.is(f.password, 'usable');
  t.true(f.homeExists);
});

test('parses a captured probe of a missing user', (t) => {
  const f = parseUserFacts(ABSENT);
  t.is(f.entry, undefined);
  t.deepEqual(f.groups, []);
  t.false(f.homeExists);
});

const ETCD = 'etcd:x:999:997::/var/lib/etcd:/usr/sbin/nologin';
const ETCD_GROUP = 'etcd:x:997:';

const probed = (stdout: string) => ({ 'getent passwd': stdout });
const ADM = `${ETCD_GROUP}\nadm:x:4:`;

moduleTable([
  {
    name: 'creates a system user without a home, undo removes only the user',
    module: user,
    args: { name: 'etcd', system: true, shell: '/usr/sbin/nologin', create_home: false },
    facts: probed(ABSENT),
    expect: { changed: true, diff: ['user etcd: absent -> present (system, /usr/sbin/nologin)'], steps: ['useradd -s /usr/sbin/nologin -r -M -- etcd'], undo: ['userdel -- etcd'] },
    after: probed(probeOutput({ passwd: 'etcd:x:999:997::/home/etcd:/usr/sbin/nologin', groups: 'etcd', groupDb: ETCD_GROUP })),
  },
  {
    name: 'creates a home it then owns: undo removes it too',
    module: user,
    args: { name: 'etcd', system: true, home: '/var/lib/etcd' },
    facts: probed(probeOutput({})),
    expect: { changed: true, diff: ['user etcd: absent -> present (system, /var/lib/etcd)'], steps: ['useradd -d /var/lib/etcd -r -m -- etcd'], undo: ['userdel -r -- etcd'] },
    after: probed(probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP, home: true })),
  },
  {
    name: 'keeps a home that existed before',
    module: user,
    args: { name: 'etcd', home: '/var/lib/etcd' },
    facts: probed(probeOutput({ home: true })),
    expect: { changed: true, steps: ['useradd -d /var/lib/etcd -m -- etcd'], undo: ['userdel -- etcd'] },
    after: probed(probeOutput({ passwd: 'etcd:x:1001:1001::/var/lib/etcd:/bin/sh', groups: 'etcd', groupDb: 'etcd:x:1001:', home: true })),
  },
  {
    name: 'an existing group of the same name becomes the primary group, and survives undo',
    module: user,
    args: { name: 'etcd', system: true, create_home: false, uid: 990, groups: ['adm'] },
    facts: probed(probeOutput({ groupDb: ADM })),
    expect: {
      changed: true,
      diff: ['user etcd: absent -> present (system, uid 990, group etcd)'],
      steps: ['useradd -u 990 -g etcd -G adm -r -M -- etcd'],
      undo: ['userdel -- etcd', 'getent group -- etcd >/dev/null || groupadd -g 997 -- etcd'],
    },
    after: probed(probeOutput({ passwd: 'etcd:x:990:997::/home/etcd:/bin/sh', groups: 'etcd adm', groupDb: `${ETCD_GROUP}\nadm:x:4:etcd` })),
  },
  {
    name: 'changes shell, comment and groups in one usermod, undo puts them back',
    module: user,
    args: { name: 'etcd', shell: '/bin/sh', comment: 'etcd server', groups: ['adm'] },
    facts: probed(probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ADM })),
    expect: {
      changed: true,
      diff: ['user etcd groups: (none) -> adm', 'user etcd comment:  -> etcd server', 'user etcd shell: /usr/sbin/nologin -> /bin/sh'],
      steps: ["usermod -G adm -c 'etcd server' -s /bin/sh -- etcd"],
      undo: ["usermod -G '' -c '' -s /usr/sbin/nologin -- etcd"],
    },
    after: probed(probeOutput({ passwd: 'etcd:x:999:997:etcd server:/var/lib/etcd:/bin/sh', groups: 'etcd adm', groupDb: `${ETCD_GROUP}\nadm:x:4:etcd` })),
  },
  {
    name: 'append adds only the missing groups',
    module: user,
    args: { name: 'etcd', groups: ['adm', 'sudo'], append: true },
    facts: probed(probeOutput({ passwd: ETCD, groups: 'etcd sudo', groupDb: `${ETCD_GROUP}\nadm:x:4:\nsudo:x:27:etcd` })),
    expect: { changed: true, diff: ['user etcd groups: sudo -> sudo,adm'], steps: ['usermod -a -G adm -- etcd'], undo: ['usermod -G sudo -- etcd'] },
    after: probed(probeOutput({ passwd: ETCD, groups: 'etcd sudo adm', groupDb: `${ETCD_GROUP}\nadm:x:4:etcd\nsudo:x:27:etcd` })),
  },
  {
    name: 'without append, groups is the exact set',
    module: user,
    args: { name: 'etcd', groups: [] },
    facts: probed(probeOutput({ passwd: ETCD, groups: 'etcd sudo', groupDb: ETCD_GROUP })),
    expect: { changed: true, steps: ["usermod -G '' -- etcd"], undo: ['usermod -G sudo -- etcd'] },
    after: probed(probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP })),
  },
  {
    name: 'changes home and moves it, uid and primary group',
    module: user,
    args: { name: 'etcd', home: '/srv/etcd', move_home: true, uid: 1500, group: 'adm' },
    facts: probed(probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ADM })),
    expect: { changed: true, steps: ['usermod -u 1500 -g adm -d /srv/etcd -m -- etcd'], undo: ['usermod -u 999 -g 997 -d /var/lib/etcd -m -- etcd'] },
    after: probed(probeOutput({ passwd: 'etcd:x:1500:4::/srv/etcd:/usr/sbin/nologin', groups: 'adm', groupDb: ADM, home: true })),
  },
  {
    name: 'locks a usable password',
    module: user,
    args: { name: 'etcd', password_lock: true },
    facts: probed(probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP, password: 'usable' })),
    expect: { changed: true, diff: ['user etcd password: unlocked -> locked'], steps: ['usermod -L -- etcd'], undo: ['usermod -U -- etcd'] },
    after: probed(probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP, password: 'locked' })),
  },
  {
    name: 'removes a user and recreates it on undo',
    module: user,
    args: { name: 'etcd', state: 'absent' },
    facts: probed(probeOutput({ passwd: ETCD, groups: 'etcd adm', groupDb: ETCD_GROUP })),
    expect: {
      changed: true,
      diff: ['user etcd: present -> absent'],
      steps: ['userdel -- etcd'],
      undo: ['getent group -- etcd >/dev/null || groupadd -g 997 -- etcd', "useradd -r -u 999 -g 997 -G adm -c '' -d /var/lib/etcd -s /usr/sbin/nologin -M -- etcd"],
    },
    after: probed(ABSENT),
  },
  {
    name: 'remove also deletes the home; undo gives back an empty one',
    module: user,
    args: { name: 'etcd', state: 'absent', remove: true, force: true },
    facts: probed(probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP })),
    expect: { changed: true, diff: ['user etcd: present -> absent (/var/lib/etcd removed)'], steps: ['userdel -r -f -- etcd'] },
    after: probed(ABSENT),
  },
  // no-op and idempotency: the state each change above leads to
  { name: 'no-op: absent user, state absent', module: user, args: { name: 'etcd', state: 'absent' }, facts: probed(ABSENT), expect: { changed: false } },
  {
    name: 'idempotent: the user as wanted',
    module: user,
    args: { name: 'etcd', system: true, shell: '/usr/sbin/nologin', home: '/var/lib/etcd', groups: ['etcd'], group: 'etcd' },
    facts: probed(probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP })),
    expect: { changed: false },
  },
  {
    name: 'idempotent: appended groups already there',
    module: user,
    args: { name: 'etcd', groups: ['sudo'], append: true },
    facts: probed(probeOutput({ passwd: ETCD, groups: 'etcd sudo adm', groupDb: `${ETCD_GROUP}\nsudo:x:27:etcd` })),
    expect: { changed: false },
  },
  {
    name: 'no-op with a warning: nothing to unlock in a password that was never set',
    module: user,
    args: { name: 'etcd', password_lock: false },
    facts: probed(probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP, password: 'locked-empty' })),
    expect: { changed: false },
  },
  {
    name: 'the probe is one command',
    module: user,
    args: { name: 'etcd', groups: ['adm'] },
    facts: probed(probeOutput({ groupDb: 'adm:x:4:' })),
    expect: { changed: true, readCommands: [/getent passwd -- etcd.*getent group -- etcd adm/s] },
    after: probed(probeOutput({ passwd: 'etcd:x:1001:1001::/home/etcd:/bin/sh', groups: 'etcd adm', groupDb: 'etcd:x:1001:\nadm:x:4:etcd' })),
  },
  {
    name: 'a missing group is an error, as in Ansible',
    module: user,
    args: { name: 'etcd', group: 'nosuch' },
    facts: probed(ABSENT),
    expect: { error: 'Group nosuch does not exist', errorClass: ModuleError },
  },
]);

async function planUser(given: Record<string, unknown>, stdout: string) {
  const conn = new FakeConnection().answer('getent passwd', { stdout });
  const ctx = createHostContext({ host: 'h', conn, vars: {}, runId: 'r1', playbookDir: '/tmp' });
  const args = validateArgs('user', user.args, given);
  return { plan: await user.plan(ctx, args as never), conn };
}

const commands = (steps: Step[] | undefined) => (steps ?? []).map((s) => (s.kind === 'exec' ? s.command : s.kind));

// user: password. The hash travels on stdin only; the host's hash is compared by its sha256.
const HASH = '$6$salt$hashedvalue';
const OLD = '$6$old$oldhash';
const SAVED = `/var/lib/ezplay/backup/r1/shadow/etcd.${passwordDigest(HASH).slice(0, 12)}`;

const passwordCases: Array<{ title: string; args: Record<string, unknown>; facts: string; steps?: string[]; undo?: string[]; stdin?: string; warning?: RegExp }> = [
  {
    title: 'a new user gets its hash through chpasswd -e on stdin',
    args: { name: 'etcd', password: HASH },
    facts: probeOutput({}),
    steps: ['useradd -m -- etcd', 'chpasswd -e'],
    undo: ['userdel -r -- etcd'],
    stdin: `etcd:${HASH}\n`,
  },
  {
    title: 'on_create still sets the hash of a user it creates',
    args: { name: 'etcd', password: HASH, update_password: 'on_create', create_home: false },
    facts: probeOutput({}),
    steps: ['useradd -M -- etcd', 'chpasswd -e'],
    undo: ['userdel -- etcd'],
    stdin: `etcd:${HASH}\n`,
  },
  {
    title: 'a different hash: the old field is kept on the host, undo puts it back',
    args: { name: 'etcd', password: HASH },
    facts: probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP, digestOf: OLD }),
    steps: [
      `umask 077 && mkdir -p /var/lib/ezplay/backup/r1/shadow && if [ ! -e ${SAVED} ]; then getent shadow -- etcd | cut -d: -f1,2 > ${SAVED}; fi`,
      'chpasswd -e',
    ],
    undo: [`if [ -s ${SAVED} ]; then chpasswd -e < ${SAVED}; fi`],
    stdin: `etcd:${HASH}\n`,
  },
  {
    title: 'a plain-text password is set as given, with a warning that names no value',
    args: { name: 'etcd', password: 'hunter2' },
    facts: probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP, digestOf: OLD }),
    warning: /does not look like a crypted hash/,
    stdin: 'etcd:hunter2\n',
  },
  // no change
  { title: 'idempotent: the same hash', args: { name: 'etcd', password: HASH }, facts: probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP, digestOf: HASH }) },
  { title: 'on_create leaves an existing user alone', args: { name: 'etcd', password: HASH, update_password: 'on_create' }, facts: probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP, digestOf: OLD }) },
];

for (const c of passwordCases) {
  test(`password: ${c.title}`, async (t) => {
    const { plan, conn } = await planUser(c.args, c.facts);
    const secrets = JSON.stringify({ diff: plan.diff, steps: (plan.steps ?? []).map((s) => (s.kind === 'exec' ? s.command : '')), undo: plan.undo, cleanup: plan.cleanup, result: plan.result, probe: conn.commands(), warnings: plan.warnings });
    t.false(secrets.includes(String(c.args.password)), 'the hash appears only on stdin');
    if (!c.stdin) {
      t.false(plan.changed);
      return;
    }
    t.true(plan.changed);
    if (c.steps) t.deepEqual(commands(plan.steps), c.steps);
    if (c.undo) t.deepEqual(commands(plan.undo), c.undo);
    const set = (plan.steps ?? []).find((s) => s.kind === 'exec' && s.command === 'chpasswd -e');
    t.is(set?.kind === 'exec' ? set.stdin : undefined, c.stdin);
    t.true(set?.kind === 'exec' && set.secret === true, 'the journal redacts it');
    if (c.warning) t.regex((plan.warnings ?? []).join('\n'), c.warning);
    if (plan.diff?.some((d) => d.subject.endsWith('password'))) t.deepEqual(plan.diff.find((d) => d.subject.endsWith('password')), { subject: 'user etcd password', before: 'another hash', after: 'the given hash', kind: 'summary' });
  });
}

test('password: a colon or line break in the hash is refused', async (t) => {
  await t.throwsAsync(planUser({ name: 'etcd', password: '$6$a:b' }, probeOutput({})), { message: /without ':' or line breaks/ });
});

test('password: the digest probe prints a sha256 of the field, never the field', async (t) => {
  const { conn } = await planUser({ name: 'etcd', password: HASH }, probeOutput({ passwd: ETCD, groups: 'etcd', groupDb: ETCD_GROUP, digestOf: HASH }));
  t.regex(conn.commands()[0] ?? '', /getent shadow -- etcd \| cut -d: -f2 \| tr -d '\\n' \| sha256sum/);
});
