import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { parseIptablesChains } from '../../../src/facts/firewall/iptables-chains.js';
import { iptables } from '../../../src/modules/firewall/iptables-module.js';
import { describeSteps, planWith } from './core-modules-harness.js';

// `iptables -S` of a filter table, in the words iptables 1.8.9 (nf_tables) prints
const TABLE = [
  '-P INPUT DROP',
  '-P FORWARD ACCEPT',
  '-P OUTPUT ACCEPT',
  '-N ezchain',
  '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
  '-A INPUT -m comment --comment "etcd peers" -j ezchain',
  '-A ezchain -s 10.0.0.0/8 -j ACCEPT',
].join('\n');
const INPUT = TABLE.split('\n').filter((l) => /^-[PA] INPUT/.test(l)).join('\n');
const EMPTY_INPUT = '-P INPUT ACCEPT';

test('iptables -S: rules, policies of built-in chains, every chain', (t) => {
  const c = parseIptablesChains(TABLE);
  t.deepEqual([...c.policies], [['INPUT', 'DROP'], ['FORWARD', 'ACCEPT'], ['OUTPUT', 'ACCEPT']]);
  t.deepEqual(c.chains, ['INPUT', 'FORWARD', 'OUTPUT', 'ezchain']);
  t.deepEqual(c.rules.map((r) => `${r.chain}#${r.position} ${r.spec.join(' ')}`), [
    'INPUT#1 -p tcp -m tcp --dport 22 -j ACCEPT',
    'INPUT#2 -m comment --comment etcd peers -j ezchain',
    'ezchain#1 -s 10.0.0.0/8 -j ACCEPT',
  ]);
});

const cases: Array<{ title: string; args: Record<string, unknown>; listing: string; probe: string; steps?: string[]; undo?: string[]; diff?: string[]; error?: RegExp }> = [
  {
    title: 'policy: DROP -> ACCEPT, undo sets DROP again',
    args: { chain: 'INPUT', policy: 'ACCEPT' }, listing: INPUT, probe: 'iptables -w -t filter -S INPUT',
    steps: ['iptables -w -t filter -P INPUT ACCEPT'], undo: ['iptables -w -t filter -P INPUT DROP'], diff: ['iptables filter INPUT policy: DROP -> ACCEPT'],
  },
  { title: 'policy already set: no change', args: { chain: 'INPUT', policy: 'DROP' }, listing: INPUT, probe: 'iptables -w -t filter -S INPUT' },
  {
    title: 'flush one chain: undo appends its rules again in order',
    args: { chain: 'INPUT', flush: true }, listing: INPUT, probe: 'iptables -w -t filter -S INPUT',
    steps: ['iptables -w -t filter -F INPUT'],
    undo: ['iptables -w -t filter -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', "iptables -w -t filter -A INPUT -m comment --comment 'etcd peers' -j ezchain"],
  },
  {
    title: 'flush the whole table (no chain), ipv6',
    args: { flush: true, ip_version: 'ipv6' }, listing: TABLE, probe: 'ip6tables -w -t filter -S',
    steps: ['ip6tables -w -t filter -F'],
    undo: [
      'ip6tables -w -t filter -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
      "ip6tables -w -t filter -A INPUT -m comment --comment 'etcd peers' -j ezchain",
      'ip6tables -w -t filter -A ezchain -s 10.0.0.0/8 -j ACCEPT',
    ],
  },
  { title: 'flush an empty chain: no change', args: { chain: 'INPUT', flush: true, table: 'filter' }, listing: EMPTY_INPUT, probe: 'iptables -w -t filter -S INPUT' },
  {
    title: 'flush then policy: the policy is undone first, then the rules come back',
    args: { chain: 'INPUT', flush: true, policy: 'ACCEPT' }, listing: INPUT, probe: 'iptables -w -t filter -S INPUT',
    steps: ['iptables -w -t filter -F INPUT', 'iptables -w -t filter -P INPUT ACCEPT'],
    undo: [
      'iptables -w -t filter -P INPUT DROP',
      'iptables -w -t filter -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
      "iptables -w -t filter -A INPUT -m comment --comment 'etcd peers' -j ezchain",
    ],
  },
  { title: 'policy of a user chain is refused', args: { chain: 'ezchain', policy: 'DROP' }, listing: '-N ezchain\n-A ezchain -j RETURN', probe: 'iptables -w -t filter -S ezchain', error: /has no policy/ },
  { title: 'policy without a chain is refused', args: { policy: 'DROP' }, listing: TABLE, probe: '', error: /policy needs a chain/ },
  { title: 'an unknown policy is refused', args: { chain: 'INPUT', policy: 'REJECT' }, listing: TABLE, probe: '', error: /must be one of/ },
];

for (const c of cases) {
  test(`iptables ${c.title}`, async (t) => {
    const conn = new FakeConnection().answer(/-S/, { stdout: `${c.listing}\n` });
    if (c.error) return void (await t.throwsAsync(planWith(iptables, conn, c.args), { message: c.error }));
    const plan = await planWith(iptables, conn, c.args);
    t.deepEqual(conn.commands(), [c.probe], 'one read');
    t.is(plan.changed, c.steps !== undefined);
    t.deepEqual(describeSteps(plan.steps), c.steps ?? []);
    t.deepEqual(describeSteps(plan.undo), c.undo ?? []);
    if (c.diff) t.deepEqual(plan.diff?.map((d) => `${d.subject}: ${d.before} -> ${d.after}`), c.diff);
  });
}

test('iptables flush: the diff lists the rules that go', async (t) => {
  const plan = await planWith(iptables, new FakeConnection().answer(/-S/, { stdout: INPUT }), { chain: 'INPUT', flush: true });
  t.deepEqual(plan.diff, [{
    subject: 'iptables filter INPUT rules',
    before: "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -m comment --comment 'etcd peers' -j ezchain\n",
    after: '',
    kind: 'content',
  }]);
});
