/**
 * A leaf certificate and its key, signed by a CA on the same host (the
 * controller, in roles/ca). It is reissued only when what it says drifted
 * from what is wanted: SANs, usages, names, the CA, a key that does not fit,
 * or an expiry inside the renewal window. The key is kept across reissues
 * unless it is missing, unreadable, or of another type than `key_type` or
 * size than `key_size`, so peers pinning nothing but the CA never notice a
 * renewal.
 *
 * Undo: every file this task replaces is first copied into the run's
 * backups on the host (src/modules/kit/backup.ts: outside the certificate's
 * folder, owner and mode kept), and undo puts that copy back atomically;
 * files that did not exist are removed. The same mechanism serves the
 * certificate and the key, and the old key never enters the run journal,
 * which would otherwise hold it in plain text (redacting it there would make
 * the undo useless). The backup root is readable by root only, and the
 * backups are deleted (Plan.cleanup) once a later run has succeeded and this
 * one can no longer be rolled back.
 */
import { posix } from 'node:path';
import type { FileStat } from '../connection/types.js';
import { ModuleError, PkiError } from '../errors.js';
import { DEFAULT_LEAF_VALIDITY_DAYS, DEFAULT_RENEW_BEFORE_DAYS } from '../pki/defaults.js';
import type { CertPair, CertUsage, LeafKeyType, RsaBits } from '../pki/index.js';
import { loadPki, type Pki } from './pki-loader.js';
import { sh } from '../shell/quote.js';
import { attributeChanges } from './kit/attributes.js';
import { guardWrites } from './kit/backup.js';
import { defineModule, type Diff, type HostContext, type Plan, type Step } from './types.js';

interface CertArgs {
  ca_cert: string;
  ca_key: string;
  cert: string;
  key: string;
  common_name: string;
  organization?: string;
  hosts: string[];
  usages: string[];
  validity_days: number;
  renew_before_days: number;
  key_type: LeafKeyType;
  key_size: RsaBits;
  owner?: string;
  group?: string;
  mode: number;
  cert_mode: number;
}

interface ExistingFile {
  path: string;
  stat: FileStat | null;
  text: string | null;
}

const USAGES: readonly CertUsage[] = ['server', 'client', 'peer'];
const day = (date: Date): string => date.toISOString().slice(0, 10);

async function readExisting(ctx: HostContext, path: string): Promise<ExistingFile> {
  const stat = await ctx.stat(path);
  const bytes = stat ? await ctx.readFile(path) : null;
  return { path, stat, text: bytes ? bytes.toString('utf8') : null };
}

function toModuleError(ctx: HostContext, error: unknown): unknown {
  return error instanceof PkiError ? new ModuleError(error.message, {}, ctx.pos) : error;
}

function checkUsages(ctx: HostContext, usages: readonly string[]): CertUsage[] {
  const unknown = usages.filter((u) => !USAGES.includes(u as CertUsage));
  if (unknown.length > 0 || usages.length === 0) {
    throw new ModuleError(`usages must be a non-empty list of server, client, peer; got ${JSON.stringify(usages)}`, {}, ctx.pos);
  }
  return usages as CertUsage[];
}

/** Why the existing key cannot be kept, or undefined when it can. */
function keyRotationReason(pki: Pki, key: ExistingFile, keyType: LeafKeyType, keySize: number): string | undefined {
  if (key.text === null) return undefined;
  try {
    const description = pki.describePrivateKey(key.text);
    if (keyType === 'ecdsa') {
      return description.type === 'ecdsa' && description.curve === 'prime256v1' ? undefined : `the key is ${description.label}; a new ECDSA P-256 key replaces it`;
    }
    if (description.type !== 'rsa') return `the key is ${description.label}; a new RSA ${keySize} key replaces it`;
    if (description.bits !== keySize) return `key size ${description.bits ?? '?'} -> ${keySize}`;
    return undefined;
  } catch {
    return 'the key is unreadable; a new key replaces it';
  }
}

/** chmod/chown for a file that is kept as it is but whose mode or ownership drifted. */
function attributeSteps(file: ExistingFile, mode: number, owner: string | undefined, group: string | undefined) {
  if (!file.stat) return { diff: [], steps: [], undo: [] };
  return attributeChanges(file.path, file.stat, { mode, owner, group });
}

/** Creates a missing parent folder; left in place on undo, as an empty folder harms nothing. */
async function parentSteps(ctx: HostContext, paths: string[]): Promise<Step[]> {
  const dirs = [...new Set(paths.map((p) => posix.dirname(p)))];
  const missing = [];
  for (const dir of dirs) if (!(await ctx.stat(dir))) missing.push(dir);
  return missing.map((dir) => ({ kind: 'exec', command: sh`mkdir -p ${dir}`, description: `create ${dir}` }));
}

interface Drift {
  reasons: string[];
  warnings: string[];
  /** the key is missing or unusable: a new one is generated */
  newKey: boolean;
}

/** Why the certificate (and maybe the key) must be issued anew; no reasons means it is kept. */
function driftOf(pki: Pki, args: CertArgs, caPem: string, cert: ExistingFile, key: ExistingFile, hosts: string[], usages: CertUsage[]): Drift {
  const keyReason = keyRotationReason(pki, key, args.key_type ?? 'rsa', args.key_size ?? 2048);
  const drift: Drift = { reasons: keyReason ? [keyReason] : [], warnings: [], newKey: key.text === null || keyReason !== undefined };
  if (cert.text === null) drift.reasons.push('absent');
  else if (key.text === null) drift.reasons.push('the key is absent; a new key is generated');
  else if (!drift.newKey) {
    const match = pki.certMatches(cert.text, {
      commonName: args.common_name, organization: args.organization, hosts, usages,
      renewBeforeDays: args.renew_before_days ?? DEFAULT_RENEW_BEFORE_DAYS, keyPem: key.text,
    }, caPem);
    drift.reasons.push(...match.reasons);
    drift.warnings.push(...match.warnings);
  }
  return drift;
}

interface Change {
  diff: Diff[];
  /** copies of replaced files, taken before any write */
  backups: Step[];
  writes: Step[];
  undo: Step[];
  /** removes the copies once the run no longer needs them (Plan.cleanup) */
  cleanup: Step[];
  /** the files the steps change (Plan.writes) */
  paths: string[];
  notAfter?: Date;
}

/** Issues the certificate (and key, when it must change) and the steps that write them with their backups. */
async function reissue(
  pki: Pki, ctx: HostContext, args: CertArgs, wanted: { ca: CertPair; hosts: string[]; usages: CertUsage[] }, cert: ExistingFile, key: ExistingFile, drift: Drift,
): Promise<Change> {
  const issued = await pki.issueCert({
    ca: wanted.ca, commonName: args.common_name, organization: args.organization, hosts: wanted.hosts,
    usages: wanted.usages, validityDays: args.validity_days ?? DEFAULT_LEAF_VALIDITY_DAYS,
    keyType: args.key_type ?? 'rsa', keyBits: args.key_size ?? 2048, keyPem: drift.newKey ? undefined : (key.text ?? undefined),
  });
  const info = pki.inspectCert(issued.certPem);
  const owned = { ...(args.owner !== undefined && { owner: args.owner }), ...(args.group !== undefined && { group: args.group }) };
  const out: Change = { notAfter: info.notAfter, diff: [], backups: [], writes: [], undo: [], cleanup: [], paths: [] };
  const replaced: ExistingFile[] = [];
  const replace = (file: ExistingFile, write: Step) => {
    replaced.push(file);
    out.writes.push(write);
  };
  if (drift.newKey) {
    replace(key, { kind: 'put', dest: args.key, content: { text: issued.keyPem }, mode: args.mode ?? 0o600, ...owned, secret: true, description: `write key ${args.key}` });
    const label = pki.describePrivateKey(issued.keyPem).label;
    out.diff.push({ subject: args.key, kind: 'summary', before: key.text === null ? 'absent' : 'present (redacted)', after: `new key (${label}, redacted)` });
  }
  replace(cert, { kind: 'put', dest: args.cert, content: { text: issued.certPem }, mode: args.cert_mode ?? 0o644, ...owned, description: `write certificate ${args.cert}` });
  out.diff.push(
    cert.text === null
      ? { subject: args.cert, kind: 'summary', before: 'absent', after: `issued for ${pki.describeCert(info)}` }
      : { subject: args.cert, kind: 'summary', before: describeOld(pki, cert.text), after: `${drift.reasons.join('; ')}: reissued, valid until ${day(info.notAfter)}` },
  );
  // one backup step for both files, taken before either is written
  const guard = guardWrites(ctx.runId, replaced.map((file) => ({ path: file.path, existed: file.stat !== null })));
  out.backups.push(...guard.steps);
  out.undo.push(...guard.undo);
  out.cleanup.push(...guard.cleanup);
  out.paths.push(...guard.writes);
  return out;
}

export const certModule = defineModule<CertArgs>({
  name: 'cert',
  summary: 'Issue a TLS certificate from a CA, reissuing only when it drifted or is about to expire',
  description:
    'Issues a certificate and key signed by `ca_cert`/`ca_key`, all on the same host. An existing certificate is kept ' +
    'while its names, SANs and usages match, it was signed by this CA, it fits its key and it expires after the renewal window. ' +
    'An existing key is reused on reissue unless it is unreadable or of another type or size. Replaced files are backed up ' +
    'in the run\'s backups on the host (under /var/lib/ezplay/backup, never beside them), which rollback restores.',
  args: {
    ca_cert: { type: 'path', required: true, description: 'Path of the CA certificate on the host.' },
    ca_key: { type: 'path', required: true, description: 'Path of the CA private key on the host; read, never shown.' },
    cert: { type: 'path', required: true, description: 'Path of the certificate to write.' },
    key: { type: 'path', required: true, description: 'Path of the private key; kept across reissues when it is usable.' },
    common_name: { type: 'str', required: true, description: 'Subject CN (for etcd clients: the user name etcd sees).' },
    organization: { type: 'str', description: 'Subject O; none when absent.' },
    hosts: {
      type: 'list', elements: 'str', default: [],
      description: 'Subject alternative names. IPv4 and IPv6 addresses become IP SANs, anything else a DNS SAN; order does not matter.',
    },
    usages: {
      type: 'list', elements: 'str', default: ['server'],
      description: 'Extended key usages: server (serverAuth), client (clientAuth), peer (both, for member-to-member TLS).',
    },
    validity_days: { type: 'int', default: DEFAULT_LEAF_VALIDITY_DAYS, description: 'Days a new certificate is valid; capped at the CA expiry.' },
    renew_before_days: {
      type: 'int', default: DEFAULT_RENEW_BEFORE_DAYS,
      description: 'Reissue when the certificate expires within this many days.',
    },
    key_type: {
      type: 'str', default: 'rsa', choices: ['rsa', 'ecdsa'],
      description: 'Key type: rsa, or ecdsa (P-256; the CA stays RSA and signs it). An existing key of the other type is replaced.',
    },
    key_size: { type: 'int', default: 2048, choices: [2048, 4096], description: 'RSA key size; an existing RSA key of another size is replaced. Ignored for ecdsa.' },
    owner: { type: 'str', description: 'Owner of the certificate and key (the etcd user, for member certificates).' },
    group: { type: 'str', description: 'Group of the certificate and key.' },
    mode: { type: 'mode', default: 0o600, description: 'Mode of the private key file.' },
    cert_mode: { type: 'mode', default: 0o644, description: 'Mode of the certificate file.' },
  },

  async plan(ctx, args): Promise<Plan> {
    const pki = await loadPki();
    const usages = checkUsages(ctx, args.usages ?? ['server']);
    const hosts = (args.hosts ?? []).map(String);
    try {
      pki.splitHosts(hosts);
      pki.expandUsages(usages);
    } catch (error) {
      throw toModuleError(ctx, error);
    }
    const [caCert, caKey, cert, key] = await Promise.all([
      ctx.readFile(args.ca_cert), ctx.readFile(args.ca_key), readExisting(ctx, args.cert), readExisting(ctx, args.key),
    ]);
    if (!caCert || !caKey) {
      // in check mode a CA that the ca task before this one would create is read from the plan
      throw new ModuleError(`the CA file ${!caCert ? args.ca_cert : args.ca_key} does not exist on ${ctx.host}`, {}, ctx.pos);
    }
    const ca = { certPem: caCert.toString('utf8'), keyPem: caKey.toString('utf8') };

    const drift = driftOf(pki, args, ca.certPem, cert, key, hosts, usages);
    const change: Change = drift.reasons.length === 0
      ? { diff: [], backups: [], writes: [], undo: [], cleanup: [], paths: [] }
      : await reissue(pki, ctx, args, { ca, hosts, usages }, cert, key, drift).catch((error: unknown) => {
          throw toModuleError(ctx, error);
        });
    // files kept as they are may still have drifted in mode or ownership
    const kept: Array<[ExistingFile, number, boolean]> = [[key, args.mode ?? 0o600, drift.newKey], [cert, args.cert_mode ?? 0o644, drift.reasons.length > 0]];
    for (const [file, mode, rewritten] of kept) {
      if (rewritten) continue;
      const attrs = attributeSteps(file, mode, args.owner, args.group);
      change.diff.push(...attrs.diff);
      change.writes.push(...attrs.steps);
      change.undo.push(...attrs.undo);
      if (attrs.steps.length) change.paths.push(file.path);
    }

    const changed = change.writes.length > 0;
    const warnings = drift.warnings.length > 0 ? { warnings: drift.warnings } : {};
    const result = {
      changed, cert: args.cert, key: args.key, reasons: drift.reasons, key_reused: !drift.newKey,
      ...(change.notAfter && { not_after: change.notAfter.toISOString() }),
    };
    if (!changed) return { changed, result, ...warnings };
    const created = [cert, key].filter((file) => file.stat === null).map((file) => file.path);
    const steps = [...(await parentSteps(ctx, created)), ...change.backups, ...change.writes];
    const cleanup = change.cleanup.length ? { cleanup: change.cleanup } : {};
    return { changed, diff: change.diff, steps, undo: change.undo, ...cleanup, writes: change.paths, result, ...warnings };
  },
});

function describeOld(pki: Pki, certPem: string): string {
  try {
    return pki.describeCert(pki.inspectCert(certPem));
  } catch {
    return 'present (unreadable)';
  }
}
