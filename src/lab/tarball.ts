/**
 * etcd release tarballs laid out like etcd's own
 * (etcd-vX.Y.Z-linux-ARCH.tar.gz holding etcd-vX.Y.Z-linux-ARCH/{etcd,etcdctl[,etcdutl],README.md}),
 * made from Debian's etcd-server and etcd-client packages. The lab serves
 * them to the machines, so the etcd role downloads and checks a release
 * exactly as it would from GitHub, without the machines reaching the
 * internet. The packages are only unpacked (dpkg-deb -x), never installed.
 *
 * The default release is the controller's own suite (bookworm: 3.4.23).
 * The newer ones, for upgrade tests, come from newer Debian suites reached
 * through the same Debian source the controller is configured with, added
 * in a private apt configuration so the controller's own is never touched.
 * Each release is built once per cache; one SHA256SUMS lists them all.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../errors.js';
import { ensurePackages } from './deps.js';
import { aptSourceFiles, debianSource, privateAptOptions } from './debian-source.js';
import { CACHE_DIR, DIST_DIR } from './paths.js';
import { run, type LabLog } from './run.js';

export interface EtcdTarball {
  version: string;
  fileName: string;
  path: string;
  sha256: string;
  /** the Debian suite the binaries came from; absent for the controller's own */
  suite?: string;
}

/**
 * The newer suites, oldest first: Debian 13's 3.5 and the newest 3.5 Debian
 * carries (testing). Their versions are whatever the suite holds when the
 * cache is first filled.
 */
export const UPGRADE_SUITES = ['trixie', 'forky'] as const;

const metaPath = (suite: string | undefined): string => path.join(DIST_DIR, suite ? `etcd-${suite}.json` : 'etcd.json');

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function cached(suite: string | undefined): Promise<EtcdTarball | null> {
  if (!existsSync(metaPath(suite))) return null;
  const meta = JSON.parse(await readFile(metaPath(suite), 'utf8')) as EtcdTarball;
  return existsSync(meta.path) ? meta : null;
}

/**
 * Every release the lab publishes (the default first), each built once per
 * cache. The default is required; a newer suite that cannot be reached only
 * costs the upgrade tests their binaries, so it is reported, not fatal.
 */
export async function ensureEtcdTarballs(log: LabLog): Promise<EtcdTarball[]> {
  const releases = [(await cached(undefined)) ?? (await buildEtcdTarball(undefined, log))];
  let built = false;
  for (const suite of UPGRADE_SUITES) {
    const found = await cached(suite);
    if (found) {
      releases.push(found);
      continue;
    }
    try {
      releases.push(await buildEtcdTarball(suite, log));
      built = true;
    } catch (error) {
      log(`no etcd release from Debian ${suite} (upgrade tests need it): ${(error as Error).message}`);
    }
  }
  if (built || !existsSync(path.join(DIST_DIR, 'SHA256SUMS'))) await writeSums(releases);
  return releases;
}

/** The lab inventory's release: the controller suite's (3.4.23 on bookworm); the others are published beside it. */
export async function ensureEtcdTarball(log: LabLog): Promise<EtcdTarball> {
  const [main] = await ensureEtcdTarballs(log);
  return main as EtcdTarball;
}

/** `sha256  file` lines, as etcd's releases publish them, sorted by file name. */
export function renderSums(releases: readonly EtcdTarball[]): string {
  const unique = new Map(releases.map((r) => [r.fileName, r.sha256]));
  return [...unique].sort(([a], [b]) => a.localeCompare(b)).map(([file, sum]) => `${sum}  ${file}\n`).join('');
}

async function writeSums(releases: readonly EtcdTarball[]): Promise<void> {
  const file = path.join(DIST_DIR, 'SHA256SUMS');
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, renderSums(releases));
  await rename(tmp, file);
}

async function downloadDebs(dir: string, suite: string | undefined, log: LabLog): Promise<string[]> {
  const names = suite ? [`etcd-server/${suite}`, `etcd-client/${suite}`] : ['etcd-server', 'etcd-client'];
  let apt: string[] = [];
  if (suite) {
    const source = debianSource(await aptSourceFiles());
    const aptDir = path.join(dir, 'apt');
    apt = await privateAptOptions(aptDir, source, [suite]);
    log(`reading Debian ${suite}'s package list from ${source.uri}`);
    const update = await run(['apt-get', ...apt, 'update'], { allowFail: true, timeoutMs: 10 * 60_000 });
    if (update.code !== 0) throw new LabError(`apt-get update of ${suite} failed:\n${update.stderr.trim().split('\n').slice(-4).join('\n')}`);
  }
  const download = () => run(['apt-get', ...apt, 'download', ...names], { cwd: dir, allowFail: true });
  let result = await download();
  if (result.code !== 0 && !suite) {
    // no package lists yet: installing the client fetches them and is useful anyway
    await ensurePackages(['etcd-client'], log);
    await run(['apt-get', '-o', 'DPkg::Lock::Timeout=600', 'update'], { allowFail: true });
    result = await download();
  }
  const debs = (await readdir(dir)).filter((f) => f.endsWith('.deb'));
  if (result.code !== 0 || debs.length !== 2) {
    throw new LabError(`cannot download Debian's etcd-server and etcd-client packages${suite ? ` of ${suite}` : ''}:\n${result.stderr.trim()}`);
  }
  return debs.map((f) => path.join(dir, f));
}

async function buildEtcdTarball(suite: string | undefined, log: LabLog): Promise<EtcdTarball> {
  log(`making an etcd release tarball from Debian's etcd-server and etcd-client packages${suite ? ` of ${suite}` : ''} (once; cached)`);
  await mkdir(CACHE_DIR, { recursive: true });
  const work = await mkdtemp(path.join(CACHE_DIR, 'etcd-build-'));
  try {
    const debs = await downloadDebs(work, suite, log);
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
    // 3.5 ships etcdutl (offline snapshot restore and defrag) beside etcdctl
    const binaries = ['etcd', 'etcdctl', 'etcdutl'].filter((bin) => existsSync(path.join(unpacked, 'usr/bin', bin)));
    for (const bin of binaries) {
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
    const meta: EtcdTarball = { version, fileName, path: target, sha256, ...(suite ? { suite } : {}) };
    const tmpMeta = `${metaPath(suite)}.${process.pid}.tmp`;
    await writeFile(tmpMeta, JSON.stringify(meta, null, 2) + '\n');
    await rename(tmpMeta, metaPath(suite));
    log(`etcd ${version} tarball ready: ${target}`);
    return meta;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
