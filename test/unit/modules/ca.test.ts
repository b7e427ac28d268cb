import test from 'ava';
import { ModuleError } from '../../../src/errors.js';
import { validateArgs } from '../../../src/modules/args.js';
import { caModule } from '../../../src/modules/ca.js';
import type { Diff } from '../../../src/modules/types.js';
import { moduleTable, type ModuleCase } from '../../helpers/module-table.js';
import { createCa, inspectCert, issueCert, keyMatchesCert } from '../../../src/pki/index.js';
import { MemoryHost } from './ca-cert-context.js';

const DIR = '/etc/kubeasz/ssl';
const CERT = `${DIR}/ca.pem`;
const KEY = `${DIR}/ca-key.pem`;

const lines = (diff: Diff[] = []) => diff.map((d) => `${d.subject}: ${d.before} -> ${d.after}`);
const ARGS = { path: DIR, common_name: 'etcd-ca' };
const [ca, other] = await Promise.all([createCa({ commonName: 'etcd-ca' }), createCa({ commonName: 'other' })]);
const oldCa = await createCa({ commonName: 'old-ca' });
const leaf = await issueCert({ ca, commonName: 'leaf', hosts: [], usages: ['server'] });

/** A refused CA: an error at the task's position, and the files as they were. */
const refused = (name: string, files: Record<string, string>, message: RegExp): ModuleCase => ({
  name: `refused, never overwritten: ${name}`,
  module: caModule,
  args: ARGS,
  model: () => new MemoryHost(files),
  expect: { error: message, errorClass: ModuleError, errorCheck: (t, error) => t.is((error as ModuleError).pos?.file, 'roles/ca/tasks/main.yml') },
});

moduleTable([
  {
    name: 'no CA: creates one, the key only ever as a secret step',
    module: caModule,
    args: { ...ARGS, organization: 'k8s', validity_days: 365 },
    model: () => new MemoryHost(),
    expect: {
      changed: true,
      steps: [`mkdir -p ${DIR}`, `put ${KEY} 600 secret`, `put ${CERT} 644`],
      undo: [`rm -f -- ${CERT} ${KEY}`],
      result: { cert: CERT, key: KEY, created: true },
      also: (t, p) => {
        const [certLine, keyLine] = lines(p.diff);
        t.regex(certLine ?? '', /^\/etc\/kubeasz\/ssl\/ca\.pem: absent -> CA 'etcd-ca' \(valid until \d{4}-\d\d-\d\d\)$/);
        t.is(keyLine, `${KEY}: absent -> present (RSA 2048, redacted)`);
        t.false(JSON.stringify(p.diff).includes('PRIVATE KEY'));
      },
      applied: (t, model) => {
        const host = model as MemoryHost;
        const certPem = host.text(CERT) ?? '';
        t.true(keyMatchesCert(host.text(KEY) ?? '', certPem));
        t.deepEqual(inspectCert(certPem).subject, { commonName: 'etcd-ca', organization: 'k8s' });
        t.is(host.files.get(KEY)?.mode, 0o600);
      },
    },
    undoReplay: 'the undo removes the new CA but leaves /etc/kubeasz/ssl, the folder its steps made',
  },
  {
    name: 'an existing CA is left alone whatever the arguments say',
    module: caModule,
    args: { ...ARGS, common_name: 'new-ca', key_size: 4096 },
    model: () => new MemoryHost({ [CERT]: oldCa.certPem, [KEY]: { text: oldCa.keyPem, mode: 0o600 } }),
    expect: { changed: false, result: { cert: CERT, created: false } },
  },
  {
    name: 'custom file names are used',
    module: caModule,
    args: { ...ARGS, cert: 'etcd-ca.crt', key: 'etcd-ca.key' },
    model: () => new MemoryHost(),
    expect: { changed: true, also: (t, p) => t.deepEqual(p.diff?.map((d) => d.subject), [`${DIR}/etcd-ca.crt`, `${DIR}/etcd-ca.key`]) },
    undoReplay: 'the undo leaves the folder its steps made, as above',
  },
  refused('cert only', { [CERT]: ca.certPem }, /ca\.pem exists but .*ca-key\.pem does not.*delete both knowingly/),
  refused('key only', { [KEY]: ca.keyPem }, /ca-key\.pem exists but .*ca\.pem does not/),
  refused('key of another CA', { [CERT]: ca.certPem, [KEY]: other.keyPem }, /is not the key of/),
  refused('a leaf certificate', { [CERT]: leaf.certPem, [KEY]: leaf.keyPem }, /not a CA certificate/),
  refused('garbage', { [CERT]: 'junk', [KEY]: 'junk' }, /cannot be used/),
]);

test('no CA: the undo removes the new CA files', async (t) => {
  const host = new MemoryHost();
  const p = await caModule.plan(host.context(), validateArgs('ca', caModule.args, ARGS) as never);
  host.apply(p.steps);
  host.apply(p.undo);
  t.false(host.files.has(CERT) || host.files.has(KEY));
});

test('every argument is documented', (t) => {
  for (const [name, spec] of Object.entries(caModule.args)) t.true(spec.description.length > 10, name);
});
