import test from 'ava';
import { ModuleError } from '../../../src/errors.js';
import { validateArgs } from '../../../src/modules/args.js';
import { certModule } from '../../../src/modules/cert.js';
import type { Plan, Step } from '../../../src/modules/types.js';
import { generateKeyPair, inspectCert, isIssuedBy, keyMatchesCert } from '../../../src/pki/index.js';
import { baseArgs, CA_CERT, CA_KEY, CERT, type Cas, hostWithCert, KEY, makeCas, MemoryHost } from './ca-cert-context.js';

let cas: Cas;
test.before(async () => {
  cas = await makeCas();
});

async function plan(host: MemoryHost, given: Record<string, unknown> = {}): Promise<Plan> {
  const args = validateArgs('cert', certModule.args, { ...baseArgs, ...given });
  return certModule.plan(host.context(), args as never);
}

// the kit's backup scripts are long: their description names what they back up
const stepText = (s: Step) =>
  s.kind === 'exec' ? (s.command.includes('"$ezb"') ? s.description : s.command) : s.kind === 'put' ? `put ${s.dest} ${s.mode?.toString(8)} ${s.owner}:${s.group}${s.secret ? ' secret' : ''}` : `fetch ${s.src} -> ${s.dest}`;
const diffText = (p: Plan) => (p.diff ?? []).map((d) => `${d.subject}: ${d.before} -> ${d.after}`);

interface Case {
  title: string;
  args?: Record<string, unknown>;
  /** prepares the host; returns nothing or the existing pair */
  setup: (host: MemoryHost) => Promise<unknown>;
  changed: boolean;
  diff?: RegExp[];
  steps?: string[];
  /** the key file keeps its bytes through the change */
  keyKept?: boolean;
}

const cases: Case[] = [
  {
    title: 'nothing there: issue a key and a certificate',
    setup: async (host) => hostWithCert(host, cas).then(() => (host.files.delete(CERT), host.files.delete(KEY), host.dirs.delete('/etc/etcd/ssl'))),
    changed: true,
    diff: [/^\/etc\/etcd\/ssl\/etcd-key\.pem: absent -> new key \(RSA 2048, redacted\)$/, /etcd\.pem: absent -> issued for CN 'etcd', SANs 10\.0\.0\.1 etcd-1, usages server client, valid until/],
    steps: ['mkdir -p /etc/etcd/ssl', `put ${KEY} 600 etcd:etcd secret`, `put ${CERT} 644 etcd:etcd`],
  },
  { title: 'up to date: nothing to do', setup: async (host) => hostWithCert(host, cas), changed: false, keyKept: true },
  {
    title: 'SAN drift: reissue with the same key',
    args: { hosts: ['10.0.0.1', '10.0.0.4', 'etcd-1.lab'] },
    setup: async (host) => hostWithCert(host, cas),
    changed: true,
    diff: [/etcd\.pem: CN 'etcd', SANs .* -> SANs \+10\.0\.0\.4 \+etcd-1\.lab -etcd-1: reissued, valid until/],
    steps: [`back up ${CERT}`, `put ${CERT} 644 etcd:etcd`],
    keyKept: true,
  },
  { title: 'usage drift', args: { usages: ['server'] }, setup: async (host) => hostWithCert(host, cas), changed: true, diff: [/usages -client: reissued/], keyKept: true },
  {
    title: 'signed by another CA',
    setup: async (host) => hostWithCert(host, cas, { ca: cas.other }),
    changed: true,
    diff: [/issued by a different CA \('other-ca'/],
    keyKept: true,
  },
  {
    title: 'inside the renewal window',
    setup: async (host) => hostWithCert(host, cas, { validityDays: 10 }),
    changed: true,
    diff: [/within the 30-day renewal window: reissued/],
    keyKept: true,
  },
  { title: 'renewal window made shorter', args: { renew_before_days: 5 }, setup: async (host) => hostWithCert(host, cas, { validityDays: 10 }), changed: false },
  {
    title: 'key file replaced: the certificate follows the key',
    setup: async (host) => {
      await hostWithCert(host, cas);
      host.write(KEY, { content: Buffer.from((await generateKeyPair()).privateKeyPem), mode: 0o600, owner: 'etcd', group: 'etcd' });
    },
    changed: true,
    diff: [/the key does not match the certificate: reissued/],
    keyKept: true,
  },
  {
    title: 'key size changed: a new key, both backed up',
    args: { key_size: 4096 },
    setup: async (host) => hostWithCert(host, cas),
    changed: true,
    diff: [/etcd-key\.pem: present \(redacted\) -> new key \(RSA 4096, redacted\)/, /key size 2048 -> 4096: reissued/],
    steps: [`back up ${KEY}, ${CERT}`, `put ${KEY} 600 etcd:etcd secret`, `put ${CERT} 644 etcd:etcd`],
  },
  {
    title: 'key type changed to ecdsa: a new P-256 key, still signed by the RSA CA',
    args: { key_type: 'ecdsa' },
    setup: async (host) => hostWithCert(host, cas),
    changed: true,
    diff: [/etcd-key\.pem: present \(redacted\) -> new key \(ECDSA prime256v1, redacted\)/, /the key is RSA 2048; a new ECDSA P-256 key replaces it: reissued/],
    steps: [`back up ${KEY}, ${CERT}`, `put ${KEY} 600 etcd:etcd secret`, `put ${CERT} 644 etcd:etcd`],
  },
  { title: 'ecdsa, up to date', args: { key_type: 'ecdsa' }, setup: async (host) => hostWithCert(host, cas, { keyType: 'ecdsa' }), changed: false, keyKept: true },
  {
    title: 'ecdsa, SAN drift: reissue with the same EC key',
    args: { key_type: 'ecdsa', hosts: ['10.0.0.1', 'etcd-1', '10.0.0.9'] },
    setup: async (host) => hostWithCert(host, cas, { keyType: 'ecdsa' }),
    changed: true,
    diff: [/SANs \+10\.0\.0\.9: reissued/],
    keyKept: true,
  },
  {
    title: 'an ECDSA key where rsa is wanted (the default) is replaced',
    setup: async (host) => hostWithCert(host, cas, { keyType: 'ecdsa' }),
    changed: true,
    diff: [/the key is ECDSA prime256v1; a new RSA 2048 key replaces it: reissued/],
  },
  {
    title: 'key missing',
    setup: async (host) => hostWithCert(host, cas).then(() => host.files.delete(KEY)),
    changed: true,
    diff: [/etcd-key\.pem: absent -> new key/, /the key is absent/],
  },
  {
    title: 'mode and owner drift only: chmod and chown, no reissue',
    setup: async (host) => {
      await hostWithCert(host, cas);
      Object.assign(host.files.get(KEY) ?? {}, { mode: 0o644, owner: 'root' });
    },
    changed: true,
    diff: [/^\/etc\/etcd\/ssl\/etcd-key\.pem: mode 0644 -> mode 0600$/, /etcd-key\.pem: owner root:etcd -> owner etcd:etcd$/],
    steps: [`chmod 0600 -- ${KEY}`, `chown -h etcd -- ${KEY}`],
    keyKept: true,
  },
];

for (const c of cases) {
  test(`cert: ${c.title}`, async (t) => {
    const host = new MemoryHost();
    await c.setup(host);
    const keyBefore = host.text(KEY);
    const p = await plan(host, c.args);
    t.is(p.changed, c.changed);
    for (const re of c.diff ?? []) t.true(diffText(p).some((line) => re.test(line)), `${re} in\n${diffText(p).join('\n')}`);
    if (c.steps) t.deepEqual(p.steps?.map(stepText), c.steps);
    // the journal stores diff and undo: neither may carry a private key
    t.false(JSON.stringify([p.diff, p.undo, p.result]).includes('PRIVATE KEY'));
    if (!p.changed) return;

    host.apply(p.steps);
    const certPem = host.text(CERT) ?? '';
    const keyPem = host.text(KEY) ?? '';
    t.true(keyMatchesCert(keyPem, certPem));
    t.true(isIssuedBy(certPem, cas.ca.certPem));
    if (c.keyKept) t.is(host.text(KEY), keyBefore, 'the key is not rotated');
    const again = await plan(host, c.args);
    t.false(again.changed, `idempotent, yet: ${diffText(again).join('; ')}`);
  });
}

test('cert: undo puts back the exact old files, and removes new ones', async (t) => {
  const host = new MemoryHost();
  const old = await hostWithCert(host, cas);
  const p = await plan(host, { key_size: 4096, hosts: ['10.0.0.9'] });
  host.apply(p.steps);
  t.not(host.text(KEY), old.keyPem);
  host.apply(p.undo);
  t.is(host.text(KEY), old.keyPem);
  t.is(host.text(CERT), old.certPem);
  t.is(host.files.get(KEY)?.mode, 0o600);
  t.deepEqual([...host.files.keys()].sort(), [CA_CERT, CA_KEY, CERT, KEY].sort(), 'no backup beside the live files');
  t.deepEqual([...host.backups.keys()].sort(), [CERT, KEY].sort(), 'both kept in the run\'s backups until the prune');
  host.apply(p.cleanup);
  t.is(host.backups.size, 0, 'the prune deletes them');

  const fresh = new MemoryHost();
  await hostWithCert(fresh, cas);
  fresh.files.delete(CERT);
  fresh.files.delete(KEY);
  const create = await plan(fresh);
  fresh.apply(create.steps);
  fresh.apply(create.undo);
  t.deepEqual([...fresh.files.keys()].sort(), [CA_KEY, CA_CERT].sort());
});

test('cert: undo before any step ran leaves the files alone', async (t) => {
  const host = new MemoryHost();
  const old = await hostWithCert(host, cas);
  const p = await plan(host, { usages: ['client'] });
  host.apply(p.undo);
  t.is(host.text(CERT), old.certPem);
});

test('cert: a CA that does not exist is an error (check mode reads a planned CA through the context)', async (t) => {
  const host = new MemoryHost();
  await t.throwsAsync(plan(host), { instanceOf: ModuleError, message: /CA file \/etc\/kubeasz\/ssl\/ca\.pem does not exist/ });
});

test('cert: bad usages and hosts fail with the task position', async (t) => {
  const host = new MemoryHost();
  await hostWithCert(host, cas);
  const bad = await t.throwsAsync(plan(host, { usages: ['server', 'admin'] }), { instanceOf: ModuleError, message: /server, client, peer/ });
  t.is(bad?.pos?.line, 1);
  await t.throwsAsync(plan(host, { hosts: ['10.0.0.300'] }), { instanceOf: ModuleError, message: /neither an IP/ });
});

test('cert: the issued certificate says what was asked', async (t) => {
  const host = new MemoryHost();
  await hostWithCert(host, cas);
  host.files.delete(CERT);
  const p = await plan(host, { organization: 'k8s', hosts: ['::1', 'localhost'], usages: ['client'], validity_days: 30 });
  host.apply(p.steps);
  const info = inspectCert(host.text(CERT) ?? '');
  t.deepEqual(info.subject, { commonName: 'etcd', organization: 'k8s' });
  t.deepEqual(info.sans, { ips: ['::1'], dns: ['localhost'] });
  t.deepEqual(info.usages, ['client']);
  t.like(p.result, { cert: CERT, key: KEY, key_reused: true, reasons: ['absent'] });
});

test('cert: every argument is documented', (t) => {
  for (const [name, spec] of Object.entries(certModule.args)) t.true(spec.description.length > 10, name);
});
