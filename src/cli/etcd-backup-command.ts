/**
 * `ezplay etcd backup` and `ezplay etcd restore`: the bundled
 * playbooks/etcd-backup.yml and etcd-restore.yml run as `ezplay run` runs
 * them, with their options turned into extra variables. They join the
 * `etcd` command group if another part made it already.
 */
import type { Command } from 'commander';
import { addRunOptions, type ExitCodeSink } from './commands.js';
import type { RunFlags } from './run-command.js';

interface BackupFlags extends RunFlags {
  verify?: boolean;
  collect?: boolean;
}

interface RestoreFlags extends RunFlags {
  snapshot?: string;
  force?: boolean;
}

async function runBundled(playbook: string, flags: RunFlags, extra: string[]): Promise<number> {
  const [{ runCommand }, { PACKAGE_ROOT }, path] = await Promise.all([import('./run-command.js'), import('../load/roles.js'), import('node:path')]);
  // after the user's -e, so --verify wins over -e etcd_backup_verify=false
  return runCommand(path.join(PACKAGE_ROOT, 'playbooks', playbook), { ...flags, extraVars: [...flags.extraVars, ...extra] });
}

/** The `etcd` group: found if registered before, else made here. */
function etcdGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'etcd') ?? program.command('etcd').description('operate an etcd cluster with the bundled playbooks');
}

export function registerEtcdBackupCommands(program: Command, sink: ExitCodeSink): void {
  const etcd = etcdGroup(program);
  addRunOptions(
    etcd
      .command('backup')
      .description('a checked snapshot of the cluster to clusters/<cluster_name>/backup (playbooks/etcd-backup.yml)')
      .option('--verify', 'restore the snapshot on the controller and serve it from a throwaway etcd before keeping it')
      .option('--collect', "also fetch the members' scheduled snapshots"),
  )
    .addHelpText('after', '\nExamples:\n  ezplay etcd backup --verify\n  ezplay etcd backup -e etcd_backup_keep=30 --check')
    .action(async (flags: BackupFlags) => {
      const extra = [...(flags.verify ? ['etcd_backup_verify=true'] : []), ...(flags.collect ? ['etcd_backup_collect=true'] : [])];
      sink.exitCode = await runBundled('etcd-backup.yml', flags, extra);
    });
  addRunOptions(
    etcd
      .command('restore')
      .description('rebuild every member from a snapshot: quorum loss, wiped members, or a roll-back (playbooks/etcd-restore.yml)')
      .option('--snapshot <file>', 'the snapshot to restore (default: the newest intact one in clusters/<cluster_name>/backup)')
      .option('--force', 'restore even over a cluster that is healthy or still has quorum (a roll-back)'),
  )
    .addHelpText('after', '\nExamples:\n  ezplay etcd restore --check\n  ezplay etcd restore --snapshot clusters/k8s/backup/k8s-20260118T093000Z-rev4711.db')
    .action(async (flags: RestoreFlags) => {
      // a path is the user's, from here; a bare name is looked for in the backup folder
      const snapshot = flags.snapshot?.includes('/') ? (await import('node:path')).resolve(flags.snapshot) : flags.snapshot;
      const extra = [
        ...(snapshot ? [JSON.stringify({ etcd_restore_snapshot: snapshot })] : []),
        ...(flags.force ? ['etcd_restore_force=true'] : []),
      ];
      sink.exitCode = await runBundled('etcd-restore.yml', flags, extra);
    });
}
