/**
 * The cluster's certificate authority: created once, then left alone. A CA
 * that exists is never replaced by a run, because every certificate it
 * signed would stop being trusted the moment it were; replacing a CA is an
 * act a person takes by deleting both files knowingly.
 */
import { posix } from 'node:path';
import { ModuleError, PkiError } from '../errors.js';
import { DEFAULT_CA_VALIDITY_DAYS } from '../pki/defaults.js';
import type { RsaBits } from '../pki/index.js';
import { loadPki, type Pki } from './pki-loader.js';
import { sh } from '../shell/quote.js';
import { guardWrites } from './kit/backup.js';
import { defineModule, type HostContext, type Plan } from './types.js';

interface CaArgs {
  path: string;
  cert: string;
  key: string;
  common_name: string;
  organization?: string;
  validity_days: number;
  key_size: RsaBits;
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

/** Checks that an existing pair is a usable CA, so later cert tasks fail here with a clear message instead. */
function checkExisting(pki: Pki, ctx: HostContext, certPath: string, keyPath: string, certPem: string, keyPem: string): Date {
  try {
    const info = pki.inspectCert(certPem);
    if (!info.isCa) throw new PkiError(`${certPath} is not a CA certificate (basicConstraints CA:FALSE)`);
    if (!pki.keyMatchesCert(keyPem, certPem)) throw new PkiError(`${keyPath} is not the key of ${certPath}`);
    if (info.notAfter <= new Date()) ctx.warn(`the CA ${certPath} expired on ${day(info.notAfter)}`);
    return info.notAfter;
  } catch (error) {
    if (error instanceof PkiError) {
      throw new ModuleError(`the existing CA cannot be used: ${error.message}. Fix or remove both files knowingly.`, {}, ctx.pos);
    }
    throw error;
  }
}

export const caModule = defineModule<CaArgs>({
  name: 'ca',
  summary: 'Create a self-signed certificate authority once; never replace an existing one',
  description:
    'Creates a CA certificate and its private key in a folder, as cfssl gencert -initca does for kubeasz. ' +
    'When both files exist nothing changes. When only one exists the task fails rather than overwrite or ' +
    'half-create a CA: replacing a CA invalidates every certificate it signed, so it is done by deleting both files knowingly.',
  args: {
    path: { type: 'path', required: true, description: 'Folder holding the CA files; created when missing.' },
    cert: { type: 'str', default: 'ca.pem', description: 'File name of the CA certificate inside `path` (mode 0644).' },
    key: { type: 'str', default: 'ca-key.pem', description: 'File name of the CA private key inside `path` (mode 0600, never shown in diffs).' },
    common_name: { type: 'str', default: 'etcd-ca', description: 'Subject CN of the CA.' },
    organization: { type: 'str', description: 'Subject O of the CA; none when absent.' },
    validity_days: { type: 'int', default: DEFAULT_CA_VALIDITY_DAYS, description: 'Days the CA is valid from its creation (default ten years).' },
    key_size: { type: 'int', default: 2048, choices: [2048, 4096], description: 'RSA key size of the CA key in bits.' },
  },

  async plan(ctx, args): Promise<Plan> {
    const pki = await loadPki();
    const certPath = posix.join(args.path, args.cert ?? 'ca.pem');
    const keyPath = posix.join(args.path, args.key ?? 'ca-key.pem');
    const [certStat, keyStat] = await Promise.all([ctx.stat(certPath), ctx.stat(keyPath)]);
    if (certStat && keyStat) {
      const [certPem, keyPem] = await Promise.all([ctx.readFile(certPath), ctx.readFile(keyPath)]);
      if (!certPem || !keyPem) throw new ModuleError(`${certPath} or ${keyPath} exists but cannot be read`, {}, ctx.pos);
      const notAfter = checkExisting(pki, ctx, certPath, keyPath, certPem.toString('utf8'), keyPem.toString('utf8'));
      return { changed: false, result: { cert: certPath, key: keyPath, created: false, not_after: notAfter.toISOString() } };
    }
    if (certStat || keyStat) {
      const [present, absent] = certStat ? [certPath, keyPath] : [keyPath, certPath];
      throw new ModuleError(
        `${present} exists but ${absent} does not. Refusing to create a new CA over half of an old one: ` +
          'a new CA invalidates every certificate the old one signed. Restore the missing file, or delete both knowingly to create a new CA.',
        { cert: certPath, key: keyPath },
        ctx.pos,
      );
    }

    const ca = await pki.createCa({
      commonName: args.common_name ?? 'etcd-ca',
      organization: args.organization,
      validityDays: args.validity_days ?? DEFAULT_CA_VALIDITY_DAYS,
      keyBits: args.key_size ?? 2048,
    }).catch((error: unknown) => {
      throw error instanceof PkiError ? new ModuleError(error.message, {}, ctx.pos) : error;
    });
    const info = pki.inspectCert(ca.certPem);
    // both files are new (an existing half refused above): undo removes them
    const guard = guardWrites(ctx.runId, [{ path: certPath, existed: false }, { path: keyPath, existed: false }]);
    return {
      changed: true,
      diff: [
        { subject: certPath, kind: 'summary', before: 'absent', after: `CA '${info.subject.commonName ?? ''}' (valid until ${day(info.notAfter)})` },
        { subject: keyPath, kind: 'summary', before: 'absent', after: `present (${pki.describePrivateKey(ca.keyPem).label}, redacted)` },
      ],
      // the key goes first: a cert without its key would be refused as half a CA on the next run
      steps: [
        { kind: 'exec', command: sh`mkdir -p ${args.path}`, description: `create ${args.path}` },
        { kind: 'put', dest: keyPath, content: { text: ca.keyPem }, mode: 0o600, secret: true, description: `write CA key ${keyPath}` },
        { kind: 'put', dest: certPath, content: { text: ca.certPem }, mode: 0o644, description: `write CA certificate ${certPath}` },
      ],
      undo: guard.undo,
      writes: guard.writes,
      result: { cert: certPath, key: keyPath, created: true, not_after: info.notAfter.toISOString() },
    };
  },
});
