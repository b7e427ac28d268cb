/**
 * The etcdctl (API v3) command line of the etcd facts that run without a
 * module's context (etcd_members, etcd_endpoint_status): every value
 * quoted, the binary given as a path.
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
