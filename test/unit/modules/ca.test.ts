import test from 'ava';
import { ModuleError } from '../../../src/errors.js';
import { validateArgs } from '../../../src/modules/args.js';
import { caModule } from '../../../src/modules/ca.js';
import type { Diff, Plan } from '../../../src/modules/types.js';
import { createCa, inspectCert, issueCert, keyMatchesCert } from '../../../src/pki/index.js';
import { MemoryHost } from './ca-cert-context.js';

const DIR = '/etc/kubeasz/ssl';
const CERT = `${DIR}/ca.pem`;
const KEY = `${DIR}/ca-key.pem`;

async function plan(host: MemoryHost, given: Record<string, unknown> = {}): Promise<Plan> {
  const args = validateArgs('ca', caModule.args, { path: DIR, common_name: 'etcd-ca', ...given });
  return caModule.plan(host.context(), args as never);
}

const lines = (diff: Diff[] = []) => diff.map((d) => `${d.subject}: ${d.before} -> ${d.after}`);

test('no CA: creates one, the key only ever as a secret step', async (t) => {
  const host = new MemoryHost();
  const p = await plan(host, { organization: 'k8s', validity_days: 365 });
  t.true(p.changed);
  const [certLine, keyLine] = lines(p.diff);
  t.regex(certLine ?? '', /^\/etc\/kubeasz\/ssl\/ca\.pem: absent -> CA 'etcd-ca' \(valid until \d{4}-\d\d-\d\d\)$/);
  t.is(keyLine, `${KEY}: absent -> present (RSA 2048, redacted)`);
  t.false(JSON.stringify(p.diff).includes('PRIVATE KEY'));
  t.deepEqual(
    p.steps?.map((s) => (s.kind === 'exec' ? s.command : `put ${s.dest} ${s.mode?.toString(8)}${s.secret ? ' secret' : ''}`)),
    [`mkdir -p ${DIR}`, `put ${KEY} 600 secret`, `put ${CERT} 644`],
  );
  t.deepEqual(p.undo?.map((s) => (s.kind === 'exec' ? s.command : s.dest)), [`rm -f -- ${CERT} ${KEY}`]);
  t.deepEqual(p.writes, [CERT, KEY]);
  t.like(p.result, { cert: CERT, key: KEY, created: true });

  host.apply(p.steps);
  const certPem = host.text(CERT) ?? '';
  t.true(keyMatchesCert(host.text(KEY) ?? '', certPem));
  t.deepEqual(inspectCert(certPem).subject, { commonName: 'etcd-ca', organization: 'k8s' });
  t.is(host.files.get(KEY)?.mode, 0o600);

  const again = await plan(host, { organization: 'k8s', validity_days: 365 });
  t.false(again.changed, 'idempotent');
  t.like(again.result, { cert: CERT, created: false });

  host.apply(p.undo);
  t.false(host.files.has(CERT) || host.files.has(KEY), 'undo removes the new CA');
});

test('an existing CA is left alone whatever the arguments say', async (t) => {
  const ca = await createCa({ commonName: 'old-ca' });
  const host = new MemoryHost({ [CERT]: ca.certPem, [KEY]: { text: ca.keyPem, mode: 0o600 } });
  const p = await plan(host, { common_name: 'new-ca', key_size: 4096 });
  t.false(p.changed);
  t.is(host.text(CERT), ca.certPem);
});

test('custom file names are used', async (t) => {
  const host = new MemoryHost();
  const p = await plan(host, { cert: 'etcd-ca.crt', key: 'etcd-ca.key' });
  t.deepEqual(p.diff?.map((d) => d.subject), [`${DIR}/etcd-ca.crt`, `${DIR}/etcd-ca.key`]);
});

test('half a CA, a foreign key or a leaf in its place is refused, never overwritten', async (t) => {
  const ca = await createCa({ commonName: 'etcd-ca' });
  const other = await createCa({ commonName: 'other' });
  const leaf = await issueCert({ ca, commonName: 'leaf', hosts: [], usages: ['server'] });
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['cert only', { [CERT]: ca.certPem }, /ca\.pem exists but .*ca-key\.pem does not.*delete both knowingly/],
    ['key only', { [KEY]: ca.keyPem }, /ca-key\.pem exists but .*ca\.pem does not/],
    ['key of another CA', { [CERT]: ca.certPem, [KEY]: other.keyPem }, /is not the key of/],
    ['a leaf certificate', { [CERT]: leaf.certPem, [KEY]: leaf.keyPem }, /not a CA certificate/],
    ['garbage', { [CERT]: 'junk', [KEY]: 'junk' }, /cannot be used/],
  ];
  for (const [title, files, message] of cases) {
    const host = new MemoryHost(files);
    const error = await t.throwsAsync(plan(host), { instanceOf: ModuleError, message }, title);
    t.is(error?.pos?.file, 'roles/ca/tasks/main.yml', title);
    t.deepEqual(Object.fromEntries([...host.files].map(([k, v]) => [k, v.content.toString()])), files, `${title}: untouched`);
  }
});

test('every argument is documented', (t) => {
  for (const [name, spec] of Object.entries(caModule.args)) t.true(spec.description.length > 10, name);
});
