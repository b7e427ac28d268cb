import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { createHostContext } from '../../../src/engine/host-context.js';
import { ModuleError } from '../../../src/errors.js';
import { validateArgs } from '../../../src/modules/args.js';
import { activeBackend, parseFirewallFacts } from '../../../src/facts/firewall/state.js';
import { firewall } from '../../../src/modules/firewall/firewall-module.js';
import { firewalld } from '../../../src/modules/firewall/firewalld-module.js';
import { iptables } from '../../../src/modules/firewall/iptables-module.js';
import { findInputChain, parseUfwAdded } from '../../../src/facts/firewall/rules.js';
import { parsePortRules } from '../../../src/facts/firewall/ports.js';
import { ufw } from '../../../src/modules/firewall/ufw-module.js';
import type { Module } from '../../../src/modules/types.js';

// The module's own probe, captured on Debian 12 (iptables 1.8.9 nf_tables, nftables 1.0.6, ufw 0.36.2)
// in a throwaway network namespace: nothing set up; iptables rules with a DROP policy; Debian's inet filter table
const EMPTY = "@@ezplay:begin:firewalld-state\n\n\n@@ezplay:end:0\n@@ezplay:begin:firewalld-zone\n\n@@ezplay:end:1\n@@ezplay:begin:firewalld-runtime\n\n@@ezplay:end:1\n@@ezplay:begin:firewalld-permanent\n\n@@ezplay:end:1\n@@ezplay:begin:ufw-status\nStatus: inactive\n\n@@ezplay:end:0\n@@ezplay:begin:ufw-added\nAdded user rules (see 'ufw status' for running firewall):\n(None)\n\n@@ezplay:end:0\n@@ezplay:begin:nft\n\n@@ezplay:end:0\n@@ezplay:begin:iptables\n-P INPUT ACCEPT\n\n@@ezplay:end:0\n@@ezplay:begin:netfilter-persistent\n\n@@ezplay:end:127\n";
const IPTABLES = "@@ezplay:begin:firewalld-state\n\n\n@@ezplay:end:0\n@@ezplay:begin:firewalld-zone\n\n@@ezplay:end:1\n@@ezplay:begin:firewalld-runtime\n\n@@ezplay:end:1\n@@ezplay:begin:firewalld-permanent\n\n@@ezplay:end:1\n@@ezplay:begin:ufw-status\nStatus: inactive\n\n@@ezplay:end:0\n@@ezplay:begin:ufw-added\nAdded user rules (see 'ufw status' for running firewall):\n(None)\n\n@@ezplay:end:0\n@@ezplay:begin:nft\n# Warning: table ip filter is managed by iptables-nft, do not touch!\ntable ip filter { # handle 12\n\tchain INPUT { # handle 1\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport 2379-2380  counter packets 0 bytes 0 accept # handle 3\n\t\ttcp dport 22 counter packets 0 bytes 0 accept # handle 2\n\t\tip saddr 10.0.0.0/8 tcp dport 4001 counter packets 0 bytes 0 accept # handle 4\n\t}\n}\n\n@@ezplay:end:0\n@@ezplay:begin:iptables\n-P INPUT DROP\n-A INPUT -p tcp -m tcp --dport 2379:2380 -m comment --comment ezplay -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 4001 -j ACCEPT\n\n@@ezplay:end:0\n@@ezplay:begin:netfilter-persistent\n\n@@ezplay:end:127\n";
const NFT = "@@ezplay:begin:firewalld-state\n\n\n@@ezplay:end:0\n@@ezplay:begin:firewalld-zone\n\n@@ezplay:end:1\n@@ezplay:begin:firewalld-runtime\n\n@@ezplay:end:1\n@@ezplay:begin:firewalld-permanent\n\n@@ezplay:end:1\n@@ezplay:begin:ufw-status\nStatus: inactive\n\n@@ezplay:end:0\n@@ezplay:begin:ufw-added\nAdded user rules (see 'ufw status' for running firewall):\n(None)\n\n@@ezplay:end:0\n@@ezplay:begin:nft\ntable inet filter { # handle 13\n\tchain input { # handle 1\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport 2379-2380 accept comment \"ezplay\" # handle 5\n\t\tct state established,related accept # handle 3\n\t\ttcp dport 22 accept # handle 4\n\t\ttcp dport 4001 counter packets 0 bytes 0 accept # handle 6\n\t}\n\n\tchain forward { # handle 2\n\t\ttype filter hook forward priority filter; policy accept;\n\t}\n}\n\n@@ezplay:end:0\n@@ezplay:begin:iptables\n-P INPUT ACCEPT\n\n@@ezplay:end:0\n@@ezplay:begin:netfilter-persistent\n\n@@ezplay:end:127\n";

/** The probe output with one section replaced. */
function withSection(base: string, name: string, out: string, rc = 0): string {
  const re = new RegExp(`@@ezplay:begin:${name}\n[\\s\\S]*?@@ezplay:end:\\d+\n`);
  return base.replace(re, `@@ezplay:begin:${name}\n${out}\n\n@@ezplay:end:${rc}\n`);
}

// captured from ufw 0.36.2 after `ufw --force enable`
const UFW_ADDED = "Added user rules (see 'ufw status' for running firewall):\nufw allow 22/tcp\nufw allow 2379:2380/tcp comment 'ezplay'\nufw deny 4001/udp";
const UFW_ACTIVE = withSection(withSection(EMPTY, 'ufw-status', 'Status: active\n\nTo                         Action      From'), 'ufw-added', UFW_ADDED);
const UFW_INACTIVE = withSection(EMPTY, 'ufw-added', UFW_ADDED);
// firewall-cmd answers as documented for firewalld 1.3
const FIREWALLD = [
  ['firewalld-state', 'running'],
  ['firewalld-zone', 'public'],
  ['firewalld-runtime', '2379/tcp 4001-4002/udp'],
  ['firewalld-permanent', '2379/tcp 2380/tcp'],
].reduce((out, [name, text]) => withSection(out, name as string, text as string), NFT);
const NOTHING = withSection(withSection(withSection(EMPTY, 'ufw-status', '', 1), 'ufw-added', '', 1), 'iptables', '', 1);

async function planWith(module: Module<any>, given: Record<string, unknown>, stdout: string) {
  const conn = new FakeConnection().answer('@@ezplay', { stdout });
  const warnings: string[] = [];
  const ctx = createHostContext({ host: 'h', conn, vars: {}, runId: 'r1', playbookDir: '/tmp', warn: (m) => warnings.push(m) });
  return { plan: await module.plan(ctx, validateArgs(module.name, module.args, given)), conn, warnings };
}

const commands = (steps: { kind: string; command?: string }[] | undefined) => (steps ?? []).map((s) => s.command);

test('picks the active backend from captured probes', (t) => {
  t.is(activeBackend(parseFirewallFacts(EMPTY)), 'iptables');
  t.is(activeBackend(parseFirewallFacts(IPTABLES)), 'iptables', 'the ip filter table of iptables-nft is not a native chain');
  t.is(activeBackend(parseFirewallFacts(NFT)), 'nftables');
  t.is(activeBackend(parseFirewallFacts(UFW_ACTIVE)), 'ufw');
  t.is(activeBackend(parseFirewallFacts(UFW_INACTIVE)), 'iptables');
  t.is(activeBackend(parseFirewallFacts(FIREWALLD)), 'firewalld');
  t.is(activeBackend(parseFirewallFacts(NOTHING)), undefined);
});

test('parses the captured nft input chain with handles', (t) => {
  const chain = findInputChain(NFT.split('@@ezplay:begin:nft\n')[1] ?? '');
  t.is(chain?.table, 'filter');
  t.is(chain?.chain, 'input');
  t.deepEqual(chain?.rules[0], { text: 'tcp dport 2379-2380 accept comment "ezplay"', handle: 5 });
  t.is(chain?.rules.length, 4);
});

test('parses ufw show added', (t) => {
  t.deepEqual(parseUfwAdded(UFW_ADDED), [
    { action: 'allow', port: '22/tcp' },
    { action: 'allow', port: '2379:2380/tcp', comment: 'ezplay' },
    { action: 'deny', port: '4001/udp' },
  ]);
});

test('port specifications', (t) => {
  t.deepEqual(parsePortRules([2379, '2379-2380', '2381:2382', '53/udp'], 'tcp'), [
    { from: 2379, to: 2379, proto: 'tcp' },
    { from: 2379, to: 2380, proto: 'tcp' },
    { from: 2381, to: 2382, proto: 'tcp' },
    { from: 53, to: 53, proto: 'udp' },
  ]);
  t.throws(() => parsePortRules('70000', 'tcp'), { instanceOf: ModuleError });
});

type Case = { title: string; module?: Module<any>; args: Record<string, unknown>; facts: string; diff?: string[]; steps?: string[]; undo?: string[] };
const IPT = '-p tcp -m tcp --dport';
const cases: Case[] = [
  {
    title: 'iptables: opens what is missing, first in the chain; undo deletes exactly that',
    args: { port: ['2379-2380', 2381] },
    facts: IPTABLES,
    diff: ['2381/tcp: closed -> open (iptables INPUT)'],
    steps: [`iptables -w -I INPUT ${IPT} 2381 -m comment --comment ezplay -j ACCEPT`],
    undo: [`iptables -w -D INPUT ${IPT} 2381 -m comment --comment ezplay -j ACCEPT`],
  },
  {
    title: 'iptables: a plain rule of the admin counts as open; closing it is undone at its old place',
    args: { port: [22, '2379-2380'], state: 'closed' },
    facts: IPTABLES,
    steps: [`iptables -w -D INPUT ${IPT} 22 -j ACCEPT`, `iptables -w -D INPUT ${IPT} 2379:2380 -m comment --comment ezplay -j ACCEPT`],
    undo: [`iptables -w -I INPUT 1 ${IPT} 2379:2380 -m comment --comment ezplay -j ACCEPT`, `iptables -w -I INPUT 2 ${IPT} 22 -j ACCEPT`],
  },
  {
    title: 'iptables: saved with netfilter-persistent when installed, once',
    args: { port: [2381, 2382] },
    facts: withSection(IPTABLES, 'netfilter-persistent', '/usr/sbin/netfilter-persistent'),
    steps: [
      `iptables -w -I INPUT ${IPT} 2381 -m comment --comment ezplay -j ACCEPT`,
      `iptables -w -I INPUT ${IPT} 2382 -m comment --comment ezplay -j ACCEPT`,
      'netfilter-persistent save',
    ],
    undo: [
      `iptables -w -D INPUT ${IPT} 2382 -m comment --comment ezplay -j ACCEPT`,
      `iptables -w -D INPUT ${IPT} 2381 -m comment --comment ezplay -j ACCEPT`,
      'netfilter-persistent save',
    ],
  },
  {
    title: 'nftables: inserts a marked rule; undo finds it by its text',
    args: { port: '53/udp' },
    facts: NFT,
    diff: ['53/udp: closed -> open (nftables, inet filter input)'],
    steps: [`nft 'insert rule inet filter input udp dport 53 accept comment "ezplay"'`],
    undo: [
      `nft -a list chain inet filter input | awk -v r='udp dport 53 accept comment "ezplay"' '{ line = $0; sub(/^[ \\t]+/, "", line); if (index(line, r " # handle ") == 1) print $NF }' | while read -r h; do nft delete rule inet filter input handle "$h"; done`,
    ],
  },
  {
    title: 'nftables: closes by handle; undo puts the rule back',
    args: { port: 4001, state: 'absent' },
    facts: NFT,
    steps: ['nft delete rule inet filter input handle 6'],
    undo: ["nft 'insert rule inet filter input tcp dport 4001 counter packets 0 bytes 0 accept'"],
  },
  {
    title: 'ufw: allows with the ezplay comment',
    args: { port: 2381 },
    facts: UFW_ACTIVE,
    diff: ['2381/tcp: closed -> open (ufw)'],
    steps: ['ufw allow 2381/tcp comment ezplay'],
    undo: ['ufw delete allow 2381/tcp comment ezplay'],
  },
  {
    title: 'firewalld: runtime and permanent, in the default zone',
    args: { port: 2380 },
    facts: FIREWALLD,
    diff: ['2380/tcp: open (firewalld, public, permanent only) -> open (firewalld, public)'],
    steps: ['firewall-cmd --zone=public --add-port=2380/tcp'],
    undo: ['firewall-cmd --zone=public --remove-port=2380/tcp'],
  },
  {
    title: 'firewalld: a new port in both configurations',
    args: { port: 2381 },
    facts: FIREWALLD,
    diff: ['2381/tcp: closed -> open (firewalld, public)'],
    steps: ['firewall-cmd --permanent --zone=public --add-port=2381/tcp', 'firewall-cmd --zone=public --add-port=2381/tcp'],
    undo: ['firewall-cmd --zone=public --remove-port=2381/tcp', 'firewall-cmd --permanent --zone=public --remove-port=2381/tcp'],
  },
  // no-op and idempotency: the state each change above leads to
  { title: 'idempotent: iptables already open', args: { port: ['2379-2380', 22] }, facts: IPTABLES },
  { title: 'no-op: closing a port iptables does not open', args: { port: 2390, state: 'disabled' }, facts: IPTABLES },
  { title: 'no-op: a port opened only for one source is not ours to close', args: { port: 4001, state: 'closed' }, facts: IPTABLES },
  { title: 'idempotent: nftables already open', args: { port: ['2379-2380', 22, 4001] }, facts: NFT },
  { title: 'idempotent: ufw already allows', args: { port: '2379-2380' }, facts: UFW_ACTIVE },
  { title: 'idempotent: firewalld has it in both', args: { port: 2379 }, facts: FIREWALLD },
  { title: 'idempotent: firewalld runtime only, as asked', args: { port: '4001-4002/udp', permanent: false }, facts: FIREWALLD },
  // the Ansible-named modules
  {
    title: 'firewalld module: permanent only, as Ansible does without immediate',
    module: firewalld,
    args: { port: '2381/tcp', permanent: true, state: 'enabled', zone: 'internal' },
    facts: withSection(FIREWALLD, 'firewalld-zone', 'internal'),
    steps: ['firewall-cmd --permanent --zone=internal --add-port=2381/tcp'],
    undo: ['firewall-cmd --permanent --zone=internal --remove-port=2381/tcp'],
  },
  {
    title: 'firewalld module: runtime when not permanent',
    module: firewalld,
    args: { port: '2379/tcp', state: 'disabled' },
    facts: FIREWALLD,
    steps: ['firewall-cmd --zone=public --remove-port=2379/tcp'],
    undo: ['firewall-cmd --zone=public --add-port=2379/tcp'],
  },
  { title: 'firewalld module: idempotent', module: firewalld, args: { port: '2380/tcp', permanent: true, state: 'enabled' }, facts: FIREWALLD },
  {
    title: 'ufw module: a rule, then enabling; undo in reverse',
    module: ufw,
    args: { rule: 'allow', port: '2381', proto: 'tcp', comment: 'etcd', state: 'enabled' },
    facts: UFW_INACTIVE,
    diff: ['ufw 2381/tcp: no rule -> ufw allow', 'ufw: inactive -> active'],
    steps: ['ufw allow 2381/tcp comment etcd', 'ufw --force enable'],
    undo: ['ufw disable', 'ufw delete allow 2381/tcp comment etcd'],
  },
  {
    title: 'ufw module: delete a rule',
    module: ufw,
    args: { rule: 'deny', port: '4001', proto: 'udp', delete: true },
    facts: UFW_ACTIVE,
    steps: ['ufw delete deny 4001/udp'],
    undo: ['ufw deny 4001/udp'],
  },
  { title: 'ufw module: idempotent', module: ufw, args: { rule: 'allow', port: '22', proto: 'tcp', state: 'enabled' }, facts: UFW_ACTIVE },
];

for (const c of cases) {
  test(c.title, async (t) => {
    const { plan, conn } = await planWith(c.module ?? firewall, c.args, c.facts);
    t.is(conn.commands().length, 1);
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

test('no active firewall: nothing changes, a message and a warning say so', async (t) => {
  const { plan, warnings } = await planWith(firewall, { port: [2379, 2380] }, NOTHING);
  t.false(plan.changed);
  t.regex(plan.msg ?? '', /no active firewall .* 2379\/tcp, 2380\/tcp left as they are/);
  t.is(warnings.length, 1);
});

test('firewalld module needs a running firewalld', async (t) => {
  await t.throwsAsync(planWith(firewalld, { port: '2379/tcp', state: 'enabled' }, NFT), { message: /firewalld is not running/ });
});

test('iptables module: checks with -C, adds and deletes the same rule', async (t) => {
  const rule = '-s 10.0.0.0/8 -p tcp -m tcp --dport 2379:2380 -m comment --comment \'etcd peers\' -j ACCEPT';
  const args = { protocol: 'tcp', destination_port: '2379-2380', source: '10.0.0.0/8', jump: 'ACCEPT', comment: 'etcd peers' };
  const absent = '@@ezplay:begin:check\n\n@@ezplay:end:1\n';
  const present = '@@ezplay:begin:check\n\n@@ezplay:end:0\n';
  const added = await planWith(iptables, args, absent);
  t.regex(added.conn.commands()[0] ?? '', new RegExp(`iptables -w -t filter -C INPUT ${rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  t.deepEqual(commands(added.plan.steps), [`iptables -w -t filter -A INPUT ${rule}`]);
  t.deepEqual(commands(added.plan.undo), [`iptables -w -t filter -D INPUT ${rule}`]);
  t.false((await planWith(iptables, args, present)).plan.changed);
  const removed = await planWith(iptables, { ...args, state: 'absent', action: 'insert', ip_version: 'ipv6' }, present);
  t.deepEqual(commands(removed.plan.steps), [`ip6tables -w -t filter -D INPUT ${rule}`]);
  t.deepEqual(commands(removed.plan.undo), [`ip6tables -w -t filter -I INPUT ${rule}`]);
});

test('iptables module: a deleted rule is put back at its old place in the chain', async (t) => {
  const args = { source: '10.9.9.9', jump: 'DROP', state: 'absent' };
  const listing = '-P INPUT ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -s 10.9.9.9/32 -j DROP\n-A INPUT -p icmp -j ACCEPT';
  const facts = `@@ezplay:begin:check\n\n@@ezplay:end:0\n@@ezplay:begin:rules\n${listing}\n\n@@ezplay:end:0\n`;
  const { plan } = await planWith(iptables, args, facts);
  t.deepEqual(commands(plan.steps), ['iptables -w -t filter -D INPUT -s 10.9.9.9 -j DROP']);
  t.deepEqual(commands(plan.undo), ['iptables -w -t filter -I INPUT 2 -s 10.9.9.9 -j DROP']);
});
