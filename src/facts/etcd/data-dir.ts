/**
 * etcd_data_dir: whether a member has data (`<dir>/member`, with its `wal`
 * and `snap` folders) and which earlier data dirs were moved aside beside
 * it (`<dir>.removed-<UTC timestamp>`).
 */
import { sh } from '../../shell/quote.js';
import { defineFact } from '../types.js';

export interface DataDirState {
  has_data: boolean;
  has_wal: boolean;
  has_snap: boolean;
  /** full paths of data dirs moved aside, oldest first */
  moved_aside: string[];
}

export const etcdDataDir = defineFact<{ dir: string }, DataDirState>({
  name: 'etcd_data_dir',
  command: ({ dir }) =>
    [
      sh`for d in member member/wal member/snap; do if [ -d ${dir}/"$d" ]; then echo "dir=$d"; fi; done`,
      sh`for d in ${dir}.removed-*; do if [ -d "$d" ]; then echo "aside=$d"; fi; done`,
    ].join('; '),
  parse: ({ stdout }) => {
    const lines = stdout.split('\n').map((l) => l.trim());
    return {
      has_data: lines.includes('dir=member'),
      has_wal: lines.includes('dir=member/wal'),
      has_snap: lines.includes('dir=member/snap'),
      moved_aside: lines.filter((l) => l.startsWith('aside=')).map((l) => l.slice(6)).sort(),
    };
  },
});
