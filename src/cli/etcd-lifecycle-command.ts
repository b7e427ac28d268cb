/**
 * `ezplay etcd upgrade VERSION` and `ezplay etcd rotate-ca`: wrappers of
 * playbooks/etcd.yml (with another etcd_version) and
 * playbooks/etcd-ca-rotate.yml, every `ezplay run` flag passed through.
 * Only commander is loaded here; the engine loads when one runs.
 */
import type { Command } from 'commander';
import type { ExitCodeSink } from './commands.js';
import type { RunFlags } from './run-command.js';

export type PlaybookRunner = (name: string, extraVars: Record<string, unknown>, flags: RunFlags) => Promise<number>;

interface UpgradeFlags extends RunFlags {
  url?: string;
  sha256?: string;
}

const VERSION = /^v?(\d+\.\d+\.\d+)$/;

/**
 * The extra variables for an upgrade to `version`. An inventory that pins
 * etcd_download_url to one release (a mirror, the lab) gets the same URL
 * with the new version in it, checked against the SHA256SUMS beside it
 * instead of the old release's pinned sha256.
 */
export function upgradeVars(version: string, pinnedUrl: unknown, given: { url?: string | undefined; sha256?: string | undefined } = {}): Record<string, string> {
  const plain = VERSION.exec(version)?.[1];
  if (!plain) throw new Error(`"${version}" is not an etcd version (X.Y.Z)`);
  const vars: Record<string, string> = { etcd_version: plain };
  if (given.url) {
    vars.etcd_download_url = given.url;
    vars.etcd_sha256 = given.sha256 ?? '';
  } else if (typeof pinnedUrl === 'string' && !pinnedUrl.includes('{{') && /v\d+\.\d+\.\d+/.test(pinnedUrl)) {
    vars.etcd_download_url = pinnedUrl.replace(/v\d+\.\d+\.\d+/g, `v${plain}`);
    vars.etcd_sha256 = given.sha256 ?? '';
  } else if (given.sha256 !== undefined) {
    vars.etcd_sha256 = given.sha256;
  }
  return vars;
}

/** etcd_download_url as the inventory's hosts of [etcd], [etcd] or [all] set it, unrendered. */
async function pinnedDownloadUrl(flags: RunFlags): Promise<unknown> {
  const [{ chooseInventory }, { loadInventory }] = await Promise.all([import('./inventory-choice.js'), import('../load/inventory.js')]);
  const inventory = await loadInventory(await chooseInventory(flags.inventory, () => {}));
  const etcd = inventory.groups.get('etcd');
  for (const host of etcd?.hosts ?? []) {
    const value = inventory.hosts.get(host)?.vars.etcd_download_url;
    if (value !== undefined) return value;
  }
  return etcd?.vars.etcd_download_url ?? inventory.groups.get('all')?.vars.etcd_download_url;
}

export function registerEtcdLifecycleCommands(etcd: Command, sink: ExitCodeSink, addRunOptions: (cmd: Command) => Command, run: PlaybookRunner): void {
  addRunOptions(
    etcd
      .command('upgrade')
      .argument('<version>', 'the etcd release to run, e.g. 3.5.16')
      .description('upgrade (or patch-downgrade) etcd one member at a time, the leader last, after a snapshot (playbooks/etcd.yml)'),
  )
    .option('--url <url>', 'the release tarball to install (default: etcd_download_url with the new version)')
    .option('--sha256 <sum>', "the tarball's sha256 (default: checked against the SHA256SUMS beside it)")
    .addHelpText(
      'after',
      `
Runs: ezplay run playbooks/etcd.yml -e etcd_version=VERSION with the same flags. When
the inventory pins etcd_download_url to one release, the same URL with VERSION in it.
One minor version at a time; a minor downgrade is refused (the way back is a restore).`,
    )
    .action(async (version: string, flags: UpgradeFlags) => {
      let vars: Record<string, string>;
      try {
        vars = upgradeVars(version, flags.url ? undefined : await pinnedDownloadUrl(flags), { url: flags.url, sha256: flags.sha256 });
      } catch (error) {
        process.stderr.write(`ezplay etcd upgrade: ${(error as Error).message}\n`);
        const { EXIT } = await import('./exit-codes.js');
        sink.exitCode = EXIT.badOptions;
        return;
      }
      sink.exitCode = await run('etcd', vars, flags);
    });

  addRunOptions(
    etcd
      .command('rotate-ca')
      .description("replace the cluster's CA with no outage: new CA, trust both, reissue, trust only the new (playbooks/etcd-ca-rotate.yml)"),
  )
    .addHelpText('after', '\nRuns: ezplay run playbooks/etcd-ca-rotate.yml with the same flags. Re-run it to continue an interrupted rotation.')
    .action(async (flags: RunFlags) => {
      sink.exitCode = await run('etcd-ca-rotate', {}, flags);
    });
}
