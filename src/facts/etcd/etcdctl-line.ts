/**
 * The etcdctl (API v3) command line the etcd facts share, every value
 * quoted, and the pieces of its output they all read: JSON whose uint64
 * member ids do not fit in a JavaScript number, mixed with zap log lines
 * and etcdctl's own error lines.
 */
import { sh } from '../../shell/quote.js';

export interface EtcdctlTarget {
  /** the etcdctl binary: a path, or a name found in PATH */
  etcdctl: string;
  endpoints: readonly string[];
  cacert?: string;
  cert?: string;
  key?: string;
  /** seconds to connect and for each request */
  timeout?: number;
}

export function etcdctlLine(t: EtcdctlTarget, words: readonly string[]): string {
  const timeout = t.timeout ?? 3;
  const flags = [`--endpoints=${t.endpoints.join(',')}`, `--dial-timeout=${timeout}s`, `--command-timeout=${timeout}s`];
  if (t.cacert) flags.push(`--cacert=${t.cacert}`);
  if (t.cert) flags.push(`--cert=${t.cert}`);
  if (t.key) flags.push(`--key=${t.key}`);
  return 'ETCDCTL_API=3 ' + sh`${t.etcdctl} ${flags} ${[...words]}`;
}

/** JSON.parse that keeps integers beyond 2^53 (member ids) as decimal strings. */
export function parseBigIdJson(text: string): unknown {
  return JSON.parse(text.replace(/([:[,]\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
}

/** etcdctl prints member ids in hex; its JSON has them in decimal. */
export function toHexId(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  try {
    return BigInt(value as string | number).toString(16);
  } catch {
    return undefined;
  }
}

/** The one JSON line of the output (zap's `{"level"...` lines are not it). */
export function findJsonLine(output: string, opener: '[' | '{'): string | undefined {
  return output.split('\n').find((l) => l.startsWith(opener) && !l.startsWith('{"level"'));
}

/** etcdctl's own error lines: neither JSON nor zap logs. */
export function etcdctlErrors(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('[') && !l.startsWith('{'));
}
