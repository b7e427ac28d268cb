/**
 * The machines' base image: a minimal Debian made by debootstrap, built once
 * and cached under CACHE_DIR, shared read-only by every machine as the lower
 * layer of its overlay. Its name is a hash of what goes into it, so changing
 * the package list or the setup builds a new image instead of silently
 * reusing an old one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../errors.js';
import { mountPoints, unmount } from './mounts.js';
import { IMAGES_DIR } from './paths.js';
import { progressLine, runDebootstrap } from './image-progress.js';
import { run, type LabLog } from './run.js';

const SUITE = 'bookworm';
const MIRROR = process.env.EZPLAY_LAB_MIRROR ?? 'http://deb.debian.org/debian';

/**
 * systemd as PID 1 with sshd; sudo and a password for `become`; iptables and
 * nftables so firewall tasks have something to drive; python3 only so that
 * Ansible can be benchmarked against the same machines.
 */
const PACKAGES = [
  'systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'sudo', 'iproute2', 'iputils-ping',
  'iptables', 'nftables', 'python3', 'tar', 'gzip', 'ca-certificates', 'procps', 'curl',
];

export const OPS_USER = 'ops';

/** sshd: one host key type, seeded per machine, so known_hosts has one line per machine */
const SSHD_CONFIG = [
  '# written by ezplay lab: host keys are seeded per machine from outside the image',
  'HostKey /etc/ssh/ssh_host_ed25519_key',
  'UseDNS no',
  '',
].join('\n');

const SETUP_VERSION = 1;

/** A build takes 3 min on a quiet 2-core machine; one that is busy with other work can take several times that. */
const BUILD_TIMEOUT_MS = 40 * 60_000;

export interface ImageInfo {
  id: string;
  rootfs: string;
  opsUser: string;
  opsPassword: string;
  builtAt: string;
  buildSeconds: number;
}

function imageId(): string {
  const hash = createHash('sha256')
    .update(JSON.stringify({ SUITE, MIRROR, PACKAGES, SSHD_CONFIG, SETUP_VERSION }))
    .digest('hex');
  return `${SUITE}-${hash.slice(0, 12)}`;
}

function imageFiles(id: string): { dir: string; rootfs: string; meta: string; partial: string } {
  const dir = path.join(IMAGES_DIR, id);
  return { dir, rootfs: path.join(dir, 'rootfs'), meta: path.join(dir, 'image.json'), partial: `${dir}.partial` };
}

/** The cached image, or null when it has not been built (or its build never finished). */
export async function findImage(): Promise<ImageInfo | null> {
  const files = imageFiles(imageId());
  if (!existsSync(files.meta)) return null;
  return JSON.parse(await readFile(files.meta, 'utf8')) as ImageInfo;
}

export async function ensureImage(log: LabLog): Promise<ImageInfo> {
  const found = await findImage();
  if (found) return found;
  return buildImage(log);
}

async function buildImage(log: LabLog): Promise<ImageInfo> {
  const id = imageId();
  const files = imageFiles(id);
  const started = Date.now();
  log(`building the machine image ${id} with debootstrap (once; cached in ${IMAGES_DIR}), this takes a few minutes`);
  // a build that died half-way leaves a partial tree: never reuse it. A
  // debootstrap that was killed leaves its /proc mounted in that tree, and
  // removing the tree would then walk into the controller's /proc.
  await unmountUnder(files.partial);
  await rm(files.partial, { recursive: true, force: true });
  await mkdir(files.partial, { recursive: true });
  const rootfs = path.join(files.partial, 'rootfs');
  const bootstrap = await runDebootstrap(
    ['debootstrap', '--variant=minbase', `--include=${PACKAGES.join(',')}`, SUITE, rootfs, MIRROR],
    log,
    BUILD_TIMEOUT_MS,
    path.join(rootfs, 'debootstrap/debootstrap.log'),
  );
  if (bootstrap.code !== 0) {
    await unmountUnder(files.partial);
    const logTail = await readFile(path.join(rootfs, 'debootstrap/debootstrap.log'), 'utf8').catch(() => '');
    const why = bootstrap.signal ? `was stopped after ${BUILD_TIMEOUT_MS / 60_000} min (${bootstrap.signal})` : 'failed';
    throw new LabError(
      `debootstrap of ${SUITE} from ${MIRROR} ${why} (set EZPLAY_LAB_MIRROR for another mirror):\n` +
        `${bootstrap.tail.trim().split('\n').slice(-6).join('\n')}\n${logTail.split('\n').slice(-10).join('\n')}`,
    );
  }
  const opsPassword = randomBytes(12).toString('base64url');
  const configuring = progressLine(log);
  configuring.update('configuring the image (ssh, the ops user)');
  await configureImage(rootfs, opsPassword).finally(() => configuring.end());
  const info: ImageInfo = {
    id,
    rootfs: files.rootfs,
    opsUser: OPS_USER,
    opsPassword,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((Date.now() - started) / 1000),
  };
  await writeFile(path.join(files.partial, 'image.json'), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  await rm(files.dir, { recursive: true, force: true });
  await rename(files.partial, files.dir);
  log(`image ${id} built in ${info.buildSeconds} s`);
  return info;
}

async function unmountUnder(dir: string): Promise<void> {
  const below = (await mountPoints()).filter((m) => m.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
  for (const mount of below) await unmount(mount);
}

async function configureImage(rootfs: string, opsPassword: string): Promise<void> {
  const chroot = (...argv: string[]) => ['chroot', rootfs, ...argv];
  // host keys made by openssh-server's postinst would be the same on every
  // machine; each machine gets its own at boot preparation instead
  await run(chroot('sh', '-c', 'rm -f /etc/ssh/ssh_host_*'));
  await writeFile(path.join(rootfs, 'etc/ssh/sshd_config.d/ezplay-lab.conf'), SSHD_CONFIG);
  await run(chroot('useradd', '--create-home', '--shell', '/bin/bash', '--groups', 'sudo', OPS_USER));
  // chpasswd reads the password on stdin, so it never shows in a process list
  await run(chroot('chpasswd'), { input: `${OPS_USER}:${opsPassword}\n` });
  await run(chroot('apt-get', 'clean'));
  await rm(path.join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
  await mkdir(path.join(rootfs, 'var/lib/apt/lists/partial'), { recursive: true });
  // each machine gets its own machine-id when it is prepared
  await writeFile(path.join(rootfs, 'etc/machine-id'), '');
}
