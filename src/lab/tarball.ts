/**
 * An etcd release tarball laid out like etcd's own
 * (etcd-vX.Y.Z-linux-ARCH.tar.gz holding etcd-vX.Y.Z-linux-ARCH/{etcd,etcdctl,README.md}),
 * made from Debian's etcd-server and etcd-client packages. The lab serves it
 * to the machines, so the etcd role downloads and checks a release exactly
 * as it would from GitHub, without the machines reaching the internet. The
 * packages are only unpacked (dpkg-deb -x), never installed anywhere.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../errors.js';
import { ensurePackages } from './deps.js';
import { CACHE_DIR, DIST_DIR } from './paths.js';
import { run, type LabLog } from './run.js';

export interface EtcdTarball {
  version: string;
  fileName: string;
  path: string;
  sha256: string;
}

const META_PATH = path.join(DIST_DIR, 'etcd.json');

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function ensureEtcdTarball(log: LabLog): Promise<EtcdTarball> {
  if (existsSync(META_PATH)) {
    const meta = JSON.parse(await readFile(META_PATH, 'utf8')) as EtcdTarball;
    if (existsSync(meta.path)) return meta;
  }
  return buildEtcdTarball(log);
}

async function downloadDebs(dir: string, log: LabLog): Promise<string[]> {
  const download = () => run(['apt-get', 'download', 'etcd-server', 'etcd-client'], { cwd: dir, allowFail: true });
  let result = await download();
  if (result.code !== 0) {
    // no package lists yet: installing the client fetches them and is useful anyway
    await ensurePackages(['etcd-client'], log);
    await run(['apt-get', '-o', 'DPkg::Lock::Timeout=600', 'update'], { allowFail: true });
    result = await download();
  }
  const debs = (await readdir(dir)).filter((f) => f.endsWith('.deb'));
  if (result.code !== 0 || debs.length !== 2) {
    throw new LabError(`cannot download Debian's etcd-server and etcd-client packages:\n${result.stderr.trim()}`);
  }
  return debs.map((f) => path.join(dir, f));
}

async function buildEtcdTarball(log: LabLog): Promise<EtcdTarball> {
  log('making the etcd release tarball from Debian\'s etcd-server and etcd-client packages');
  await mkdir(CACHE_DIR, { recursive: true });
  const work = await mkdtemp(path.join(CACHE_DIR, 'etcd-build-'));
  try {
    const debs = await downloadDebs(work, log);
    const debVersion = (await run(['dpkg-deb', '--field', debs[0] ?? '', 'Version'])).stdout.trim();
    // "3.4.23-4+b4" (maybe with an epoch) is upstream release 3.4.23
    const version = /^(?:\d+:)?(\d+\.\d+\.\d+)/.exec(debVersion)?.[1];
    if (!version) throw new LabError(`cannot read an etcd version from Debian's version ${debVersion}`);
    const arch = (await run(['dpkg', '--print-architecture'])).stdout.trim();
    const unpacked = path.join(work, 'unpacked');
    for (const deb of debs) await run(['dpkg-deb', '--extract', deb, unpacked]);
    const name = `etcd-v${version}-linux-${arch}`;
    const release = path.join(work, name);
    await mkdir(release);
    for (const bin of ['etcd', 'etcdctl']) {
      await copyFile(path.join(unpacked, 'usr/bin', bin), path.join(release, bin));
      await chmod(path.join(release, bin), 0o755);
    }
    await writeFile(
      path.join(release, 'README.md'),
      `# etcd v${version}\n\nBuilt by \`ezplay lab\` from Debian's etcd-server and etcd-client ${debVersion} (${arch}),\n` +
        'laid out like an etcd release tarball.\n',
    );
    await mkdir(DIST_DIR, { recursive: true });
    const fileName = `${name}.tar.gz`;
    const tmpTar = path.join(work, fileName);
    await run(['tar', '--create', '--gzip', '--owner=0', '--group=0', '--numeric-owner', '-f', tmpTar, '-C', work, name]);
    const target = path.join(DIST_DIR, fileName);
    await rename(tmpTar, target);
    const sha256 = await sha256File(target);
    await writeFile(path.join(DIST_DIR, 'SHA256SUMS'), `${sha256}  ${fileName}\n`);
    const meta: EtcdTarball = { version, fileName, path: target, sha256 };
    await writeFile(META_PATH, JSON.stringify(meta, null, 2) + '\n');
    log(`etcd ${version} tarball ready: ${target}`);
    return meta;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
