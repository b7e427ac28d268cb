import test from 'ava';
import { Inventory } from '../../../src/inventory/index.js';

/** etcd: e1 e2 e3; kube_master: e1 m1; kube_node: n1 n2; k8s: kube_master + kube_node; lone: ungrouped */
function sample(): Inventory {
  const inv = new Inventory();
  for (const h of ['e1', 'e2', 'e3']) inv.addHost(h, 'etcd');
  for (const h of ['e1', 'm1']) inv.addHost(h, 'kube_master');
  for (const h of ['n1', 'n2']) inv.addHost(h, 'kube_node');
  inv.addGroup('k8s');
  inv.addChild('k8s', 'kube_master');
  inv.addChild('k8s', 'kube_node');
  inv.addHost('lone.example.com');
  inv.addGroup('harbor');
  return inv;
}

const cases: Array<[string, string[]]> = [
  ['all', ['lone.example.com', 'e1', 'e2', 'e3', 'm1', 'n1', 'n2']],
  ['*', ['lone.example.com', 'e1', 'e2', 'e3', 'm1', 'n1', 'n2']],
  ['etcd', ['e1', 'e2', 'e3']],
  ['k8s', ['e1', 'm1', 'n1', 'n2']],
  ['e2', ['e2']],
  ['etcd:kube_node', ['e1', 'e2', 'e3', 'n1', 'n2']],
  ['etcd,kube_node', ['e1', 'e2', 'e3', 'n1', 'n2']],
  ['kube_node:etcd', ['n1', 'n2', 'e1', 'e2', 'e3']],
  ['etcd:&kube_master', ['e1']],
  ['all:!k8s', ['lone.example.com', 'e2', 'e3']],
  ['!etcd', ['lone.example.com', 'm1', 'n1', 'n2']],
  ['!etcd:k8s', ['m1', 'n1', 'n2']],
  ['kube_*', ['e1', 'm1', 'n1', 'n2']],
  ['e?', ['e1', 'e2', 'e3']],
  ['n[!2]', ['n1']],
  ['*.example.com', ['lone.example.com']],
  ['~e[23]', ['e2', 'e3']],
  ['~(kube_node|etcd)', ['e1', 'e2', 'e3', 'n1', 'n2']],
  ['etcd[0]', ['e1']],
  ['etcd[-1]', ['e3']],
  ['etcd[1:]', ['e2', 'e3']],
  ['etcd[0:1]', ['e1', 'e2']],
  ['ungrouped', ['lone.example.com']],
  ['harbor', []],
];

for (const [pattern, hosts] of cases) {
  test(`pattern ${pattern}`, (t) => {
    t.deepEqual(sample().hostsMatching(pattern), hosts);
  });
}

test('parts naming nothing are reported, empty groups are not', (t) => {
  const match = sample().matchPattern('etcd:nosuch:harbor:!gone');
  t.deepEqual(match.hosts, ['e1', 'e2', 'e3']);
  t.deepEqual(match.unmatched, ['nosuch', '!gone']);
});

test('localhost is implicit when not listed', (t) => {
  const inv = sample();
  const match = inv.matchPattern('localhost');
  t.deepEqual(match, { hosts: ['localhost'], unmatched: [], implicit: ['localhost'] });
  t.deepEqual(inv.getHost('localhost')?.vars, { ansible_connection: 'local' });
  t.false(inv.hostsMatching('all').includes('localhost'), "the implicit localhost is not in 'all'");
  inv.addHost('localhost', 'etcd');
  t.deepEqual(inv.matchPattern('localhost').implicit, []);
});

test('--limit intersects, keeping the play order', (t) => {
  const inv = sample();
  t.deepEqual(inv.applyLimit(inv.hostsMatching('k8s'), 'etcd'), ['e1']);
  t.deepEqual(inv.applyLimit(['n2', 'n1', 'e1'], ['n1', 'e1']), ['n1', 'e1']);
});

test('a bracket of digits is a subscript, as in Ansible', (t) => {
  // 'e' names no host or group: nothing to subscript, so no host (Ansible warns and skips the play)
  t.deepEqual(sample().hostsMatching('e[13]'), []);
  const inv = sample();
  inv.addGroup('bastion');
  t.deepEqual(inv.matchPattern('bastion[0]'), { hosts: [], unmatched: [], implicit: [] }, 'an empty group stays empty');
  t.deepEqual(sample().hostsMatching('etcd[2]'), ['e3']);
});

test('a bad regex is an inventory error', (t) => {
  t.throws(() => sample().hostsMatching('~('), { message: /invalid regular expression/ });
  t.throws(() => sample().hostsMatching('etcd[7]'), { message: /no hosts matched/ });
});
