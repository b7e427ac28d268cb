/**
 * Does an existing certificate still say what is wanted? Each difference
 * becomes a reason in words ("SANs +10.0.0.4 -old.example"), which the cert
 * module shows as its diff, so users see why a certificate is reissued.
 */
import { PkiError } from '../errors.js';
import { splitHosts } from './hosts.js';
import { inspectCert, isIssuedBy, type CertInfo } from './inspect.js';
import { expandUsages, type CertUsage } from './issue.js';
import { keyMatchesCert } from './keys.js';

import { DEFAULT_RENEW_BEFORE_DAYS } from './defaults.js';

export { DEFAULT_RENEW_BEFORE_DAYS };
const DAY_MS = 24 * 60 * 60 * 1000;

export interface WantedCert {
  /** compared when given */
  commonName?: string | undefined;
  /** compared when commonName is given: absent means no O in the subject */
  organization?: string | undefined;
  hosts: readonly string[];
  usages: readonly CertUsage[];
  /** reissue when the certificate expires within this many days; default 30 */
  renewBeforeDays?: number | undefined;
  /** the key file's content: checked against the certificate when given */
  keyPem?: string | undefined;
  now?: Date | undefined;
}

export interface CertMatch {
  matches: boolean;
  /** what drifted, one phrase each; empty when it matches */
  reasons: string[];
  /** things reissuing cannot fix (the CA itself expiring) */
  warnings: string[];
  /** the existing certificate, when readable */
  info?: CertInfo;
}

/** `+added -removed`, or '' when the sets are equal. */
export function setDrift(have: readonly string[], want: readonly string[]): string {
  const added = want.filter((x) => !have.includes(x)).map((x) => `+${x}`);
  const removed = have.filter((x) => !want.includes(x)).map((x) => `-${x}`);
  return [...added, ...removed].join(' ');
}

const day = (date: Date): string => date.toISOString().slice(0, 10);
const quoted = (text: string | undefined): string => (text === undefined ? 'none' : `'${text}'`);

function expiryDrift(info: CertInfo, caPem: string, wanted: WantedCert, match: CertMatch): void {
  const now = wanted.now ?? new Date();
  const renewBeforeDays = wanted.renewBeforeDays ?? DEFAULT_RENEW_BEFORE_DAYS;
  const horizon = new Date(now.getTime() + renewBeforeDays * DAY_MS);
  if (info.notAfter > horizon) return;
  let caNotAfter: Date | undefined;
  try {
    caNotAfter = inspectCert(caPem).notAfter;
  } catch {
    caNotAfter = undefined;
  }
  // leaves are capped at the CA's expiry, so a new one would expire just as soon: reissuing every run helps nobody
  if (info.notAfter > now && caNotAfter !== undefined && info.notAfter >= caNotAfter) {
    match.warnings.push(`the CA expires on ${day(caNotAfter)}; the certificate cannot outlive it: replace the CA`);
    return;
  }
  match.reasons.push(
    info.notAfter <= now ? `expired on ${day(info.notAfter)}` : `expires on ${day(info.notAfter)}, within the ${renewBeforeDays}-day renewal window`,
  );
}

export function certMatches(existingPem: string, wanted: WantedCert, caPem: string): CertMatch {
  let info: CertInfo;
  try {
    info = inspectCert(existingPem);
  } catch (error) {
    return { matches: false, reasons: [`the existing certificate is unreadable (${(error as Error).message})`], warnings: [] };
  }
  const match: CertMatch = { matches: true, reasons: [], warnings: [], info };
  if (wanted.commonName !== undefined) {
    if (info.subject.commonName !== wanted.commonName) match.reasons.push(`common name ${quoted(info.subject.commonName)} -> ${quoted(wanted.commonName)}`);
    if (info.subject.organization !== (wanted.organization || undefined)) {
      match.reasons.push(`organization ${quoted(info.subject.organization)} -> ${quoted(wanted.organization || undefined)}`);
    }
  }
  const want = splitHosts(wanted.hosts);
  const sanDrift = setDrift([...info.sans.ips, ...info.sans.dns], [...want.ips, ...want.dns]);
  if (sanDrift) match.reasons.push(`SANs ${sanDrift}`);
  const usageDrift = setDrift(info.usages, expandUsages(wanted.usages));
  if (usageDrift) match.reasons.push(`usages ${usageDrift}`);
  if (info.isCa) match.reasons.push('it is a CA certificate, not a leaf');
  if (!isIssuedBy(existingPem, caPem)) match.reasons.push(`issued by a different CA (${quoted(info.issuer.commonName)}, or its signature does not verify)`);
  expiryDrift(info, caPem, wanted, match);
  if (wanted.keyPem !== undefined && !keyMatchesOrFalse(wanted.keyPem, existingPem)) match.reasons.push('the key does not match the certificate');
  match.matches = match.reasons.length === 0;
  return match;
}

function keyMatchesOrFalse(keyPem: string, certPem: string): boolean {
  try {
    return keyMatchesCert(keyPem, certPem);
  } catch (error) {
    if (error instanceof PkiError) return false;
    throw error;
  }
}
