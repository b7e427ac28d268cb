import test from 'ava';
import { ModuleError } from '../../../src/errors.js';
import { activeBackend, parseFirewallFacts } from '../../../src/facts/firewall/state.js';
import { firewall } from '../../../src/modules/firewall/firewall-module.js';
import { firewalld } from '../../../src/modules/firewall/firewalld-module.js';
import { iptables } from '../../../src/modules/firewall/iptables-module.js';
import { findInputChain, parseUfwAdded } from '../../../src/facts/firewall/rules.js';
import { parsePortRules } from '../../../src/facts/firewall/ports.js';
import { ufw } from '../../../src/modules/firewall/ufw-module.js';
import { moduleTable, type ModuleCase } from '../../helpers/module-table.js';

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

const IPT = '-p tcp -m tcp --dport';
const probed = (stdout: string) => ({ '@@ezplay': stdout });
/** The host once iptables rules were inserted first in INPUT, or deleted. */
const iptablesWith = (base: string, ...specs: string[]) => base.replace('-P INPUT DROP\n', `-P INPUT DROP\n${specs.map((r) => `-A INPUT ${r}\n`).join('')}`);
const iptablesWithout = (base: string, ...specs: string[]) => specs.reduce((out, r) => out.replace(`-A INPUT ${r}\n`, ''), base);
const OURS = (port: string) => `${IPT} ${port} -m comment --comment ezplay -j ACCEPT`;
const NFT_FIRST = '\t\ttcp dport 2379-2380 accept comment "ezplay" # handle 5\n';
const firewalldWith = (base: string, section: 'runtime' | 'permanent', ports: string) => withSection(base, `firewalld-${section}`, ports);
const ufwAdded = (status: 'active' | 'inactive', added: string) =>
  withSection(withSection(EMPTY, 'ufw-status', status === 'active' ? 'Status: active\n\nTo                         Action      From' : 'Status: inactive'), 'ufw-added', added);

const cases: ModuleCase[] = [
  {
    name: 'iptables: opens what is missing, first in the chain; undo deletes exactly that',
    module: firewall,
    args: { port: ['2379-2380', 2381] },
    facts: probed(IPTABLES),
    expect: {
      changed: true,
      reads: 1,
      diff: ['2381/tcp: closed -> open (iptables INPUT)'],
      steps: [`iptables -w -I INPUT ${OURS('2381')}`],
      undo: [`iptables -w -D INPUT ${OURS('2381')}`],
    },
    after: probed(iptablesWith(IPTABLES, OURS('2381'))),
  },
  {
    name: 'iptables: a plain rule of the admin counts as open; closing it is undone at its old place',
    module: firewall,
    args: { port: [22, '2379-2380'], state: 'closed' },
    facts: probed(IPTABLES),
    expect: {
      changed: true,
      reads: 1,
      steps: [`iptables -w -D INPUT ${IPT} 22 -j ACCEPT`, `iptables -w -D INPUT ${OURS('2379:2380')}`],
      undo: [`iptables -w -I INPUT 1 ${OURS('2379:2380')}`, `iptables -w -I INPUT 2 ${IPT} 22 -j ACCEPT`],
    },
    after: probed(iptablesWithout(IPTABLES, `${IPT} 22 -j ACCEPT`, OURS('2379:2380'))),
  },
  {
    name: 'iptables: saved with netfilter-persistent when installed, once',
    module: firewall,
    args: { port: [2381, 2382] },
    facts: probed(withSection(IPTABLES, 'netfilter-persistent', '/usr/sbin/netfilter-persistent')),
    expect: {
      changed: true,
      reads: 1,
      steps: [`iptables -w -I INPUT ${OURS('2381')}`, `iptables -w -I INPUT ${OURS('2382')}`, 'netfilter-persistent save'],
      undo: [`iptables -w -D INPUT ${OURS('2382')}`, `iptables -w -D INPUT ${OURS('2381')}`, 'netfilter-persistent save'],
    },
    after: probed(iptablesWith(withSection(IPTABLES, 'netfilter-persistent', '/usr/sbin/netfilter-persistent'), OURS('2382'), OURS('2381'))),
  },
  {
    name: 'nftables: inserts a marked rule; undo finds it by its text',
    module: firewall,
    args: { port: '53/udp' },
    facts: probed(NFT),
    expect: {
      changed: true,
      reads: 1,
      diff: ['53/udp: closed -> open (nftables, inet filter input)'],
      steps: [`nft 'insert rule inet filter input udp dport 53 accept comment "ezplay"'`],
      undo: [
        `nft -a list chain inet filter input | awk -v r='udp dport 53 accept comment "ezplay"' '{ line = $0; sub(/^[ \\t]+/, "", line); if (index(line, r " # handle ") == 1) print $NF }' | while read -r h; do nft delete rule inet filter input handle "$h"; done`,
      ],
    },
    after: probed(NFT.replace(NFT_FIRST, `\t\tudp dport 53 accept comment "ezplay" # handle 7\n${NFT_FIRST}`)),
  },
  {
    name: 'nftables: closes by handle; undo puts the rule back',
    module: firewall,
    args: { port: 4001, state: 'absent' },
    facts: probed(NFT),
    expect: { changed: true, reads: 1, steps: ['nft delete rule inet filter input handle 6'], undo: ["nft 'insert rule inet filter input tcp dport 4001 counter packets 0 bytes 0 accept'"] },
    after: probed(NFT.replace('\t\ttcp dport 4001 counter packets 0 bytes 0 accept # handle 6\n', '')),
  },
  {
    name: 'ufw: allows with the ezplay comment',
    module: firewall,
    args: { port: 2381 },
    facts: probed(UFW_ACTIVE),
    expect: { changed: true, reads: 1, diff: ['2381/tcp: closed -> open (ufw)'], steps: ['ufw allow 2381/tcp comment ezplay'], undo: ['ufw delete allow 2381/tcp comment ezplay'] },
    after: probed(ufwAdded('active', `${UFW_ADDED}\nufw allow 2381/tcp comment 'ezplay'`)),
  },
  {
    name: 'firewalld: runtime and permanent, in the default zone',
    module: firewall,
    args: { port: 2380 },
    facts: probed(FIREWALLD),
    expect: {
      changed: true,
      reads: 1,
      diff: ['2380/tcp: open (firewalld, public, permanent only) -> open (firewalld, public)'],
      steps: ['firewall-cmd --zone=public --add-port=2380/tcp'],
      undo: ['firewall-cmd --zone=public --remove-port=2380/tcp'],
    },
    after: probed(firewalldWith(FIREWALLD, 'runtime', '2379/tcp 4001-4002/udp 2380/tcp')),
  },
  {
    name: 'firewalld: a new port in both configurations',
    module: firewall,
    args: { port: 2381 },
    facts: probed(FIREWALLD),
    expect: {
      changed: true,
      reads: 1,
      diff: ['2381/tcp: closed -> open (firewalld, public)'],
      steps: ['firewall-cmd --permanent --zone=public --add-port=2381/tcp', 'firewall-cmd --zone=public --add-port=2381/tcp'],
      undo: ['firewall-cmd --zone=public --remove-port=2381/tcp', 'firewall-cmd --permanent --zone=public --remove-port=2381/tcp'],
    },
    after: probed(firewalldWith(firewalldWith(FIREWALLD, 'runtime', '2379/tcp 4001-4002/udp 2381/tcp'), 'permanent', '2379/tcp 2380/tcp 2381/tcp')),
  },
  // no-op and idempotency: the state each change above leads to
  { name: 'idempotent: iptables already open', module: firewall, args: { port: ['2379-2380', 22] }, facts: probed(IPTABLES), expect: { changed: false, reads: 1 } },
  { name: 'no-op: closing a port iptables does not open', module: firewall, args: { port: 2390, state: 'disabled' }, facts: probed(IPTABLES), expect: { changed: false, reads: 1 } },
  { name: 'no-op: a port opened only for one source is not ours to close', module: firewall, args: { port: 4001, state: 'closed' }, facts: probed(IPTABLES), expect: { changed: false, reads: 1 } },
  { name: 'idempotent: nftables already open', module: firewall, args: { port: ['2379-2380', 22, 4001] }, facts: probed(NFT), expect: { changed: false, reads: 1 } },
  { name: 'idempotent: ufw already allows', module: firewall, args: { port: '2379-2380' }, facts: probed(UFW_ACTIVE), expect: { changed: false, reads: 1 } },
  { name: 'idempotent: firewalld has it in both', module: firewall, args: { port: 2379 }, facts: probed(FIREWALLD), expect: { changed: false, reads: 1 } },
  { name: 'idempotent: firewalld runtime only, as asked', module: firewall, args: { port: '4001-4002/udp', permanent: false }, facts: probed(FIREWALLD), expect: { changed: false, reads: 1 } },
  {
    name: 'no active firewall: nothing changes, a message and a warning say so',
    module: firewall,
    args: { port: [2379, 2380] },
    facts: probed(NOTHING),
    expect: {
      changed: false,
      reads: 1,
      also: (t, plan) => t.regex(plan.msg ?? '', /no active firewall .* 2379\/tcp, 2380\/tcp left as they are/),
      warningCount: 1,
    },
  },
  // the Ansible-named modules
  {
    name: 'permanent only, as Ansible does without immediate',
    module: firewalld,
    args: { port: '2381/tcp', permanent: true, state: 'enabled', zone: 'internal' },
    facts: probed(withSection(FIREWALLD, 'firewalld-zone', 'internal')),
    expect: { changed: true, reads: 1, steps: ['firewall-cmd --permanent --zone=internal --add-port=2381/tcp'], undo: ['firewall-cmd --permanent --zone=internal --remove-port=2381/tcp'] },
    after: probed(firewalldWith(withSection(FIREWALLD, 'firewalld-zone', 'internal'), 'permanent', '2379/tcp 2380/tcp 2381/tcp')),
  },
  {
    name: 'runtime when not permanent',
    module: firewalld,
    args: { port: '2379/tcp', state: 'disabled' },
    facts: probed(FIREWALLD),
    expect: { changed: true, reads: 1, steps: ['firewall-cmd --zone=public --remove-port=2379/tcp'], undo: ['firewall-cmd --zone=public --add-port=2379/tcp'] },
    after: probed(firewalldWith(FIREWALLD, 'runtime', '4001-4002/udp')),
  },
  { name: 'idempotent', module: firewalld, args: { port: '2380/tcp', permanent: true, state: 'enabled' }, facts: probed(FIREWALLD), expect: { changed: false, reads: 1 } },
  { name: 'needs a running firewalld', module: firewalld, args: { port: '2379/tcp', state: 'enabled' }, facts: probed(NFT), expect: { error: /firewalld is not running/ } },
  {
    name: 'a rule, then enabling; undo in reverse',
    module: ufw,
    args: { rule: 'allow', port: '2381', proto: 'tcp', comment: 'etcd', state: 'enabled' },
    facts: probed(UFW_INACTIVE),
    expect: {
      changed: true,
      reads: 1,
      diff: ['ufw 2381/tcp: no rule -> ufw allow', 'ufw: inactive -> active'],
      steps: ['ufw allow 2381/tcp comment etcd', 'ufw --force enable'],
      undo: ['ufw disable', 'ufw delete allow 2381/tcp comment etcd'],
    },
    after: probed(ufwAdded('active', `${UFW_ADDED}\nufw allow 2381/tcp comment 'etcd'`)),
  },
  {
    name: 'delete a rule',
    module: ufw,
    args: { rule: 'deny', port: '4001', proto: 'udp', delete: true },
    facts: probed(UFW_ACTIVE),
    expect: { changed: true, reads: 1, steps: ['ufw delete deny 4001/udp'], undo: ['ufw deny 4001/udp'] },
    after: probed(ufwAdded('active', UFW_ADDED.replace('\nufw deny 4001/udp', ''))),
  },
  { name: 'idempotent', module: ufw, args: { rule: 'allow', port: '22', proto: 'tcp', state: 'enabled' }, facts: probed(UFW_ACTIVE), expect: { changed: false, reads: 1 } },
];
moduleTable(cases);

const RULE = "-s 10.0.0.0/8 -p tcp -m tcp --dport 2379:2380 -m comment --comment 'etcd peers' -j ACCEPT";
const RULE_ARGS = { protocol: 'tcp', destination_port: '2379-2380', source: '10.0.0.0/8', jump: 'ACCEPT', comment: 'etcd peers' };
const CHECK_ABSENT = probed('@@ezplay:begin:check\n\n@@ezplay:end:1\n');
const CHECK_PRESENT = probed('@@ezplay:begin:check\n\n@@ezplay:end:0\n');
const LISTING = '-P INPUT ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -s 10.9.9.9/32 -j DROP\n-A INPUT -p icmp -j ACCEPT';
const checked = (rc: number, listing: string) => probed(`@@ezplay:begin:check\n\n@@ezplay:end:${rc}\n@@ezplay:begin:rules\n${listing}\n\n@@ezplay:end:0\n`);

moduleTable([
  {
    name: 'checks with -C, adds the rule; undo deletes the same rule',
    module: iptables,
    args: RULE_ARGS,
    facts: CHECK_ABSENT,
    expect: {
      changed: true,
      readCommands: [new RegExp(`iptables -w -t filter -C INPUT ${RULE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)],
      steps: [`iptables -w -t filter -A INPUT ${RULE}`],
      undo: [`iptables -w -t filter -D INPUT ${RULE}`],
    },
    after: CHECK_PRESENT,
  },
  { name: 'the rule is there: nothing to do', module: iptables, args: RULE_ARGS, facts: CHECK_PRESENT, expect: { changed: false } },
  {
    name: 'ipv6, absent: deletes the rule; undo inserts it',
    module: iptables,
    args: { ...RULE_ARGS, state: 'absent', action: 'insert', ip_version: 'ipv6' },
    facts: CHECK_PRESENT,
    expect: { changed: true, steps: [`ip6tables -w -t filter -D INPUT ${RULE}`], undo: [`ip6tables -w -t filter -I INPUT ${RULE}`] },
    after: CHECK_ABSENT,
  },
  {
    name: 'a deleted rule is put back at its old place in the chain',
    module: iptables,
    args: { source: '10.9.9.9', jump: 'DROP', state: 'absent' },
    facts: checked(0, LISTING),
    expect: { changed: true, steps: ['iptables -w -t filter -D INPUT -s 10.9.9.9 -j DROP'], undo: ['iptables -w -t filter -I INPUT 2 -s 10.9.9.9 -j DROP'] },
    after: checked(1, LISTING.replace('\n-A INPUT -s 10.9.9.9/32 -j DROP', '')),
  },
]);
