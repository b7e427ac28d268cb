import test, { type ExecutionContext } from 'ava';
import { ModuleError } from '../../../src/errors.js';
import { validateArgs } from '../../../src/modules/args.js';
import { certModule } from '../../../src/modules/cert.js';
import type { Plan } from '../../../src/modules/types.js';
import { generateKeyPair, inspectCert, isIssuedBy, keyMatchesCert } from '../../../src/pki/index.js';
import { backupStep } from '../../../src/modules/kit/backup.js';
import { describeSteps, moduleTable, RUN, type ModuleCase } from '../../helpers/module-table.js';
import { baseArgs, CA_CERT, CA_KEY, CERT, type Cas, hostWithCert, KEY, makeCas, MemoryHost } from './ca-cert-context.js';

let cas: Cas;
test.before(async () => {
  cas = await makeCas();
});

async function plan(host: MemoryHost, given: Record<string, unknown> = {}): Promise<Plan> {
  const args = validateArgs('cert', certModule.args, { ...baseArgs, ...given });
  return certModule.plan(host.context(), args as never);
}

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
  /** why the host after the undo is not the host before it */
  undoLeaves?: string;
}

/** The module kit's backup of `files` into the run's backups, as the plan must run it before writing them. */
const backUp = (...files: string[]): string => describeSteps([backupStep(RUN, files)])[0] ?? '';
const cases: Case[] = [
  {
    title: 'nothing there: issue a key and a certificate',
    setup: async (host) => hostWithCert(host, cas).then(() => (host.files.delete(CERT), host.files.delete(KEY), host.dirs.delete('/etc/etcd/ssl'))),
    changed: true,
    diff: [/^\/etc\/etcd\/ssl\/etcd-key\.pem: absent -> new key \(RSA 2048, redacted\)$/, /etcd\.pem: absent -> issued for CN 'etcd', SANs 10\.0\.0\.1 etcd-1, usages server client, valid until/],
    steps: ['mkdir -p /etc/etcd/ssl', `put ${KEY} 600 etcd:etcd secret`, `put ${CERT} 644 etcd:etcd`],
    undoLeaves: 'the undo removes the key and the certificate but leaves /etc/etcd/ssl, the folder its steps made',
  },
  { title: 'up to date: nothing to do', setup: async (host) => hostWithCert(host, cas), changed: false, keyKept: true },
  {
    title: 'SAN drift: reissue with the same key',
    args: { hosts: ['10.0.0.1', '10.0.0.4', 'etcd-1.lab'] },
    setup: async (host) => hostWithCert(host, cas),
    changed: true,
    diff: [/etcd\.pem: CN 'etcd', SANs .* -> SANs \+10\.0\.0\.4 \+etcd-1\.lab -etcd-1: reissued, valid until/],
    steps: [backUp(CERT), `put ${CERT} 644 etcd:etcd`],
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
    steps: [backUp(KEY, CERT), `put ${KEY} 600 etcd:etcd secret`, `put ${CERT} 644 etcd:etcd`],
  },
  {
    title: 'key type changed to ecdsa: a new P-256 key, still signed by the RSA CA',
    args: { key_type: 'ecdsa' },
    setup: async (host) => hostWithCert(host, cas),
    changed: true,
    diff: [/etcd-key\.pem: present \(redacted\) -> new key \(ECDSA prime256v1, redacted\)/, /the key is RSA 2048; a new ECDSA P-256 key replaces it: reissued/],
    steps: [backUp(KEY, CERT), `put ${KEY} 600 etcd:etcd secret`, `put ${CERT} 644 etcd:etcd`],
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

moduleTable(
  cases.map((c): ModuleCase => {
    let keyBefore: string | undefined;
    return {
      name: c.title,
      module: certModule,
      args: { ...baseArgs, ...c.args },
      model: async () => {
        const host = new MemoryHost();
        await c.setup(host);
        keyBefore = host.text(KEY);
        return host;
      },
      expect: {
        changed: c.changed,
        ...(c.steps ? { steps: c.steps } : {}),
        also: (t, p) => {
          for (const re of c.diff ?? []) t.true(diffText(p).some((line) => re.test(line)), `${re} in\n${diffText(p).join('\n')}`);
          // the journal stores diff and undo: neither may carry a private key
          t.false(JSON.stringify([p.diff, p.undo, p.result]).includes('PRIVATE KEY'));
        },
        applied: (t, model) => {
          const host = model as MemoryHost;
          const certPem = host.text(CERT) ?? '';
          t.true(keyMatchesCert(host.text(KEY) ?? '', certPem));
          t.true(isIssuedBy(certPem, cas.ca.certPem));
          if (c.keyKept) t.is(host.text(KEY), keyBefore, 'the key is not rotated');
        },
      },
      ...(c.undoLeaves ? { undoReplay: c.undoLeaves } : {}),
    };
  }),
);

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
  t.deepEqual([...host.files.keys()].sort(), [CA_CERT, CA_KEY, CERT, KEY].sort(), 'nothing left beside the live files');

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

/** A host with the CA and the member's certificate, as baseArgs asks. */
const issued = async () => {
  const host = new MemoryHost();
  await hostWithCert(host, cas);
  return host;
};
const atTheTask = (t: ExecutionContext, error: Error) => t.is((error as ModuleError).pos?.line, 1);

moduleTable([
  {
    name: 'a CA that does not exist is an error (check mode reads a planned CA through the context)',
    module: certModule,
    args: baseArgs,
    model: () => new MemoryHost(),
    expect: { error: /CA file \/etc\/kubeasz\/ssl\/ca\.pem does not exist/, errorClass: ModuleError },
  },
  {
    name: 'bad usages fail with the task position',
    module: certModule,
    args: { ...baseArgs, usages: ['server', 'admin'] },
    model: issued,
    expect: { error: /server, client, peer/, errorClass: ModuleError, errorCheck: atTheTask },
  },
  {
    name: 'bad hosts fail',
    module: certModule,
    args: { ...baseArgs, hosts: ['10.0.0.300'] },
    model: issued,
    expect: { error: /neither an IP/, errorClass: ModuleError },
  },
  {
    name: 'the issued certificate says what was asked',
    module: certModule,
    args: { ...baseArgs, organization: 'k8s', hosts: ['::1', 'localhost'], usages: ['client'], validity_days: 30 },
    model: async () => {
      const host = await issued();
      host.files.delete(CERT);
      return host;
    },
    expect: {
      changed: true,
      result: { cert: CERT, key: KEY, key_reused: true, reasons: ['absent'] },
      applied: (t, model) => {
        const info = inspectCert((model as MemoryHost).text(CERT) ?? '');
        t.deepEqual(info.subject, { commonName: 'etcd', organization: 'k8s' });
        t.deepEqual(info.sans, { ips: ['::1'], dns: ['localhost'] });
        t.deepEqual(info.usages, ['client']);
      },
    },
    idempotence: 'a certificate valid for 30 days is inside the default 30-day renewal window once issued: each run reissues it',
  },
]);

test('cert: every argument is documented', (t) => {
  for (const [name, spec] of Object.entries(certModule.args)) t.true(spec.description.length > 10, name);
});
