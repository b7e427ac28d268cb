/**
 * The versions etcd itself reports at `/version` on a client URL: the
 * member's server version and the cluster version (the lowest minor version
 * of the members, raised by the leader once every member serves a newer
 * one). Asked of each endpoint in turn until one answers; curl presents the
 * client certificate, since the members require one.
 */
import { sh } from '../../shell/quote.js';
import { defineFact } from '../types.js';

export interface ClusterVersionArgs {
  endpoints: readonly string[];
  cacert?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  timeout: number;
}

export interface ClusterVersion {
  /** the endpoint that answered */
  endpoint?: string;
  server?: string;
  cluster?: string;
}

export const clusterVersionFact = defineFact<ClusterVersionArgs, ClusterVersion>({
  name: 'etcd_cluster_version',
  command(a) {
    const tls: string[] = [];
    if (a.cacert) tls.push('--cacert', a.cacert);
    if (a.cert) tls.push('--cert', a.cert);
    if (a.key) tls.push('--key', a.key);
    return (
      sh`for e in ${[...a.endpoints]}; do ` +
      sh`v=$(curl -fsS --max-time ${String(a.timeout)} ${tls} "$e/version" 2>/dev/null) && { echo "@version $e $v"; break; }; done; true`
    );
  },
  parse(out) {
    const m = /^@version (\S+) (\{.*\})$/m.exec(out.stdout);
    if (!m) return {};
    try {
      const v = JSON.parse(m[2] as string) as { etcdserver?: string; etcdcluster?: string };
      return { endpoint: m[1] as string, ...(v.etcdserver ? { server: v.etcdserver } : {}), ...(v.etcdcluster ? { cluster: v.etcdcluster } : {}) };
    } catch {
      return { endpoint: m[1] as string };
    }
  },
});
