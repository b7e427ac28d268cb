/** Everything a run is told from outside: the parsed command line, in engine terms. */
import type { FactCache } from './fact-cache.js';
import type { Inventory } from '../inventory/index.js';
import type { Templar } from '../template/index.js';
import type { ConnectionOpener } from './connections.js';
import type { EventSink } from './events.js';

export interface RunOptions {
  inventory: Inventory;
  /** the inventory files, recorded so `ezplay rollback` can reach the hosts again */
  inventoryPaths: string[];
  check: boolean;
  diff: boolean;
  limit?: string | undefined;
  tags: string[];
  skipTags: string[];
  extraVars: Record<string, unknown>;
  forks: number;
  startAtTask?: string | undefined;
  /** Ansible's jsonfile fact cache, when its settings ask for one */
  factCache?: FactCache | undefined;
  /** --force-handlers: notified handlers run on hosts that failed too */
  forceHandlers?: boolean;
  /** false with --no-rollback */
  rollback: boolean;
  /** false with --no-wait: refuse, instead of waiting, when another run holds a host's lock */
  wait?: boolean | undefined;
  verbosity: number;
  becomePassword?: string | undefined;
  /** where run journals go: .ezplay/runs */
  journalRoot: string;
  openConnection: ConnectionOpener;
  events: EventSink;
  templar: Templar;
}
