/**
 * The lab's preconditions on the controller: Linux, root, and a handful of
 * Debian packages. Missing packages are installed with apt-get (and the user
 * is told); anything else that is wrong is a LabError saying what to do.
 */
import { existsSync } from 'node:fs';
import { LabError } from '../errors.js';
import { run, type LabLog } from './run.js';

/** a program the lab runs, and the Debian package that provides it */
const REQUIRED_TOOLS: ReadonlyArray<readonly [string, string]> = [
  ['systemd-nspawn', 'systemd-container'],
  ['debootstrap', 'debootstrap'],
  ['ip', 'iproute2'],
  ['ssh', 'openssh-client'],
  ['ssh-keygen', 'openssh-client'],
  ['nsenter', 'util-linux'],
  ['mount', 'mount'],
  ['dpkg-deb', 'dpkg'],
  ['tar', 'tar'],
  ['gzip', 'gzip'],
  // etcdctl on the controller lets tests look at the cluster from outside
  ['etcdctl', 'etcd-client'],
];

const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function hasTool(name: string): boolean {
  return SEARCH_PATH.some((dir) => existsSync(`${dir}/${name}`));
}

export function checkPlatform(): void {
  if (process.platform !== 'linux') {
    throw new LabError(`the lab needs Linux (systemd-nspawn, network namespaces); this is ${process.platform}`);
  }
  if (process.getuid?.() !== 0) {
    throw new LabError('the lab needs root: it mounts overlays, makes network namespaces and boots machines (try sudo)');
  }
}

/** apt-get waits for another apt-get rather than failing on its lock */
const APT_OPTIONS = ['-o', 'DPkg::Lock::Timeout=600', '-o', 'Acquire::Retries=3'];

export async function ensurePackages(packages: string[], log: LabLog): Promise<void> {
  if (packages.length === 0) return;
  if (!hasTool('apt-get')) {
    throw new LabError(`missing Debian packages ${packages.join(', ')} and there is no apt-get to install them`);
  }
  log(`installing missing Debian packages with apt-get: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['apt-get', ...APT_OPTIONS, 'install', '-y', '--no-install-recommends', ...packages];
  const first = await run(install, { env, allowFail: true });
  if (first.code === 0) return;
  // The package lists may be missing or old. Other apt sources on the
  // controller may be unreachable, so `update` can fail while Debian's
  // lists still arrive: judge by the install that follows.
  log('apt-get install failed; running apt-get update and trying again');
  await run(['apt-get', ...APT_OPTIONS, 'update'], { env, allowFail: true });
  await run(install, { env });
}

export async function ensureControllerTools(log: LabLog): Promise<void> {
  checkPlatform();
  const missing = new Set(REQUIRED_TOOLS.filter(([tool]) => !hasTool(tool)).map(([, pkg]) => pkg));
  await ensurePackages([...missing], log);
  const still = REQUIRED_TOOLS.filter(([tool]) => !hasTool(tool)).map(([tool]) => tool);
  if (still.length > 0) throw new LabError(`still missing after apt-get: ${still.join(', ')}`);
}
