/**
 * The arguments every etcd module shares (endpoints, TLS files, etcdctl),
 * and the host's `bin_dir` that etcdctl is also looked for in.
 */
import { DEFAULT_ENDPOINT, type EtcdctlArgs } from '../../facts/etcd/etcdctl.js';
import type { ArgSchema, HostContext } from '../types.js';

export const etcdctlSchema: ArgSchema = {
  endpoints: {
    type: 'list',
    elements: 'str',
    default: [DEFAULT_ENDPOINT],
    description: 'Client URLs of the members to ask, e.g. https://10.0.0.1:2379.',
  },
  cacert: { type: 'path', description: "Path on the host of the CA certificate that signed the members' server certificates." },
  cert: { type: 'path', description: 'Path on the host of the client certificate.' },
  key: { type: 'path', description: 'Path on the host of the client private key.' },
  etcdctl: {
    type: 'str',
    default: 'etcdctl',
    aliases: ['etcdctl_path'],
    description:
      "The etcdctl binary: a path, or a name looked up in PATH, then in the host's `bin_dir` variable, /opt/kube/bin and /usr/local/bin.",
  },
  timeout: { type: 'int', default: 5, description: 'Seconds etcdctl waits to connect and for each request.' },
};

/** The module's etcdctl arguments with the host's `bin_dir`, when it has a usable one. */
export function etcdctlTarget<A extends EtcdctlArgs>(ctx: HostContext, a: A): A {
  try {
    const dir = ctx.vars.bin_dir;
    return typeof dir === 'string' && dir.startsWith('/') ? { ...a, binDir: dir } : a;
  } catch {
    // an undefined or unrenderable bin_dir only means one place fewer to look
    return a;
  }
}
