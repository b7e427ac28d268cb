/**
 * etcd_corruption: whether etcd runs on the host and, when it does not,
 * the corruption error its journal names (the etcd_journal_corruption
 * fact). Read-only; `ezplay status` uses it to say which member is down and
 * whether it must be replaced rather than restarted.
 */
import { etcdJournalCorruption } from '../../facts/etcd/journal-corruption.js';
import { defineModule } from '../types.js';

export interface EtcdCorruptionArgs {
  unit: string;
  lines: number;
}

export const etcdCorruption = defineModule<EtcdCorruptionArgs>({
  name: 'etcd_corruption',
  summary: "Whether etcd runs on the host and, if not, the corruption error in its journal (read-only)",
  description:
    'Reads `systemctl is-active` of the unit and, when it is not active, the last `lines` lines of its journal for an ' +
    'error saying the data on disk is corrupt (`crc mismatch`, `wal: ...`, `snap: ...`), as after a power loss. ' +
    'Result: `active` (the unit\'s state) and `corruption` (the journal line, or null). Never changes anything.',
  args: {
    unit: { type: 'str', default: 'etcd', description: 'The systemd unit of etcd.' },
    lines: { type: 'int', default: 200, description: 'How many of the newest journal lines to read.' },
  },
  plan: async (ctx, args) => {
    const out = await ctx.probe(etcdJournalCorruption.command(args));
    const seen = etcdJournalCorruption.parse({ stdout: out.stdout, stderr: out.stderr, rc: out.rc }, args);
    return { changed: false, result: { ...seen } };
  },
});
