import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { createHostContext } from '../../../src/engine/host-context.js';
import { validateArgs } from '../../../src/modules/args.js';
import { group, parseGroupEntry } from '../../../src/modules/group.js';

async function planGroup(given: Record<string, unknown>, stdout: string) {
  const conn = new FakeConnection().answer('getent group', { stdout });
  const ctx = createHostContext({ host: 'h', conn, vars: {}, runId: 'r1', playbookDir: '/tmp' });
  return { plan: await group.plan(ctx, validateArgs('group', group.args, given) as never), conn };
}

const commands = (steps: { kind: string; command?: string }[] | undefined) => (steps ?? []).map((s) => s.command);

test('parses captured getent group output', (t) => {
  t.deepEqual(parseGroupEntry('sudo:x:27:ops\n'), { name: 'sudo', gid: 27, members: ['ops'] });
  t.deepEqual(parseGroupEntry('etcd:x:997:\n'), { name: 'etcd', gid: 997, members: [] });
  t.is(parseGroupEntry(''), undefined);
});

const cases: Array<{ title: string; args: Record<string, unknown>; facts: string; diff?: string[]; steps?: string[]; undo?: string[] }> = [
  {
    title: 'creates a system group; undo removes it',
    args: { name: 'etcd', system: true },
    facts: '',
    diff: ['group etcd: absent -> present (system)'],
    steps: ['groupadd -r -- etcd'],
    undo: ['groupdel -- etcd'],
  },
  {
    title: 'creates a group with a gid',
    args: { name: 'etcd', gid: 1234 },
    facts: '',
    steps: ['groupadd -g 1234 -- etcd'],
    undo: ['groupdel -- etcd'],
  },
  {
    title: 'changes the gid; undo sets it back',
    args: { name: 'etcd', gid: 1234 },
    facts: 'etcd:x:997:\n',
    diff: ['group etcd gid: 997 -> 1234'],
    steps: ['groupmod -g 1234 -- etcd'],
    undo: ['groupmod -g 997 -- etcd'],
  },
  {
    title: 'removes a group; undo recreates it with its members',
    args: { name: 'etcd', state: 'absent' },
    facts: 'etcd:x:997:alice,bob\n',
    diff: ['group etcd: present (gid 997) -> absent'],
    steps: ['groupdel -- etcd'],
    undo: ['groupadd -g 997 -- etcd', 'gpasswd -M alice,bob -- etcd'],
  },
  { title: 'no-op: the group exists', args: { name: 'etcd', system: true }, facts: 'etcd:x:997:\n' },
  { title: 'idempotent: the gid is already right', args: { name: 'etcd', gid: 1234 }, facts: 'etcd:x:1234:\n' },
  { title: 'no-op: absent group, state absent', args: { name: 'etcd', state: 'absent' }, facts: '' },
];

for (const c of cases) {
  test(c.title, async (t) => {
    const { plan, conn } = await planGroup(c.args, c.facts);
    t.deepEqual(conn.commands(), ['getent group -- etcd || true']);
    if (!c.steps) {
      t.false(plan.changed);
      return;
    }
    t.true(plan.changed);
    if (c.diff) t.deepEqual(plan.diff?.map((d) => `${d.subject}: ${d.before} -> ${d.after}`), c.diff);
    t.deepEqual(commands(plan.steps), c.steps);
    t.deepEqual(commands(plan.undo), c.undo);
  });
}
