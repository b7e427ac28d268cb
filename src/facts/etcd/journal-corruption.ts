/**
 * etcd_journal_corruption: whether etcd runs, and when it does not, the
 * last error in its journal that says its data is corrupt: a WAL or
 * snapshot that fails its checksum after a power loss (`walpb: crc
 * mismatch`), or etcd's `wal: ...` / `snap: ...` errors. Such a member
 * cannot rejoin by restarting; it must be replaced.
 */
import { sh } from '../../shell/quote.js';
import { defineFact } from '../types.js';

export interface JournalCorruption {
  /** `systemctl is-active` of the unit */
  active: string;
  /** the journal line naming the corruption, or null */
  corruption: string | null;
}

/** Errors that mean the member's data on disk is unreadable. */
const CORRUPTION = [/crc mismatch/i, /\bwal: /, /\bsnap: /, /\bwalpb: /, /\bsnappb: /, /database file .* corrupt/i];

/** The last line of a journal excerpt that names a corruption, trimmed to its message. */
export function findCorruption(journal: string): string | null {
  const lines = journal.split('\n').filter((l) => CORRUPTION.some((re) => re.test(l)));
  const last = lines.at(-1);
  return last === undefined ? null : last.trim().slice(0, 300);
}

export const etcdJournalCorruption = defineFact<{ unit?: string; lines?: number }, JournalCorruption>({
  name: 'etcd_journal_corruption',
  command: ({ unit = 'etcd', lines = 200 }) =>
    sh`echo "active=$(systemctl is-active ${unit} 2>/dev/null)"; journalctl -u ${unit} -n ${lines} --no-pager -o cat 2>/dev/null`,
  parse: ({ stdout }) => {
    const [first = '', ...rest] = stdout.split('\n');
    const active = first.startsWith('active=') ? first.slice(7).trim() : '';
    return { active, corruption: active === 'active' ? null : findCorruption(rest.join('\n')) };
  },
});
