/**
 * The etcdctl (API v3) command line of the etcd facts that run without a
 * module's context (etcd_members, etcd_endpoint_status): every value
 * quoted, the binary given as a path.
 */
import { sh } from '../../shell/quote.js';
import { etcdctlFlags } from './etcdctl.js';

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
  return 'ETCDCTL_API=3 ' + sh`${t.etcdctl} ${etcdctlFlags(t, t.endpoints, t.timeout ?? 3)} ${[...words]}`;
}
