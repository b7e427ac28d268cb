/**
 * One run at a time per host, whatever project it comes from: a run (and
 * its rollback) holds `/run/lock/ezplay.lock` (`/tmp/ezplay.lock` where
 * /run/lock is not writable) on every host it reaches, with `flock` held by
 * a command left running on the host's connection (Connection.hold). When
 * the controller dies, its connection ends, the command's input closes and
 * the host releases the lock by itself; a run that finds the holder's note
 * still in the file says it took the lock over.
 *
 * The holder writes a one-line note into the lock file (run id, what,
 * project, controller, pid), so a second run names whom it waits for, or
 * with --no-wait refuses naming it. One controller process reaching the
 * same machine under two inventory names holds it once.
 */
import { hostname } from 'node:os';
import type { Connection, HeldCommand } from '../connection/types.js';
import { EngineError } from '../errors.js';
import { quote } from '../shell/quote.js';

export interface HostLockHolder {
  runId?: string | undefined;
  /** `ezplay run playbooks/etcd.yml`, `ezplay rollback RUN_ID` */
  what: string;
  project: string;
}

interface HolderNote extends HostLockHolder {
  controller: string;
  pid: number;
  since: string;
}

export interface HostLockOptions {
  /** false with --no-wait: refuse instead of waiting */
  wait: boolean;
  /** tells the user about a wait or a takeover */
  say: (host: string, message: string) => void;
  pollMs?: number;
}

/** What the lock command answered on its first line. */
export type LockAnswer =
  | { kind: 'locked'; file: string; previous: HolderNote | undefined }
  | { kind: 'busy'; file: string; holder: HolderNote | undefined }
  | { kind: 'unsupported'; why: string };

const LOCK_SCRIPT = [
  'umask 0',
  'd=/run/lock',
  '{ [ -d "$d" ] && [ -w "$d" ]; } || d=/tmp',
  'f="$d/ezplay.lock"',
  // made readable and writable by all: runs as other users must flock it and write their note
  '[ -e "$f" ] || : >>"$f" 2>/dev/null',
  'command -v flock >/dev/null 2>&1 || { printf "UNSUPPORTED\\tflock is not installed\\n"; exit 0; }',
  '[ -r "$f" ] || { printf "UNSUPPORTED\\tcannot read %s\\n" "$f"; exit 0; }',
  'exec 9<"$f"',
  'if ! flock -n 9; then printf "BUSY\\t%s\\t%s\\n" "$f" "$(head -n 1 "$f")"; exit 0; fi',
  'p=$(head -n 1 "$f")',
  // never O_CREAT on a file of another user in a sticky folder (fs.protected_regular)
  'printf "%s\\n" "$note" | dd of="$f" conv=nocreat status=none 2>/dev/null',
  'printf "LOCKED\\t%s\\t%s\\n" "$f" "$p"',
  'IFS= read -r w',
  // a clean release clears the note; an ended connection leaves it, for the next holder to report
  '[ "$w" = release ] && dd if=/dev/null of="$f" conv=nocreat status=none 2>/dev/null',
  'exit 0',
].join('\n');

export function hostLockCommand(note: string): string {
  return `note=${quote(note)}\n${LOCK_SCRIPT}`;
}

function parseNote(text: string | undefined): HolderNote | undefined {
  if (!text) return undefined;
  try {
    const note = JSON.parse(text) as HolderNote;
    return typeof note.pid === 'number' && typeof note.controller === 'string' ? note : undefined;
  } catch {
    return undefined;
  }
}

/** Pure: the lock command's first line. */
export function parseLockAnswer(line: string): LockAnswer {
  const [kind, first, rest] = line.split('\t');
  if (kind === 'LOCKED') return { kind: 'locked', file: first ?? '', previous: parseNote(rest) };
  if (kind === 'BUSY') return { kind: 'busy', file: first ?? '', holder: parseNote(rest) };
  if (kind === 'UNSUPPORTED') return { kind: 'unsupported', why: first ?? 'unknown' };
  return { kind: 'unsupported', why: line ? `unexpected answer '${line}'` : 'the lock command printed nothing' };
}

export function describeHolder(note: HolderNote | undefined): string {
  if (!note) return 'another run';
  const run = note.runId ? `run ${note.runId}, ` : '';
  return `${note.what} (${run}project ${note.project}, pid ${note.pid} on ${note.controller}, since ${note.since})`;
}

/** Another run holds a host's lock and --no-wait was given. */
export class HostLockBusy extends EngineError {}

export class HostLocks {
  private readonly held = new Map<Connection, Promise<HeldCommand | undefined>>();
  private holder: HostLockHolder;

  constructor(
    holder: HostLockHolder,
    private options: HostLockOptions,
  ) {
    this.holder = holder;
  }

  /** Later locks are taken for this run (a session runs several). */
  update(holder: HostLockHolder, options: HostLockOptions): void {
    this.holder = holder;
    this.options = options;
  }

  /** Holds the lock on a host's connection, once per connection; waits or refuses while another run holds it. */
  ensure(host: string, conn: Connection): Promise<void> {
    if (!conn.hold) return Promise.resolve();
    let pending = this.held.get(conn);
    if (!pending) {
      pending = this.acquire(host, conn);
      this.held.set(conn, pending);
      // a refusal is told again on next use; a lost connection's lock is taken anew on the new one
      pending.catch(() => this.held.delete(conn));
    }
    return pending.then(() => undefined);
  }

  private note(): HolderNote {
    return { ...this.holder, controller: hostname(), pid: process.pid, since: new Date().toISOString() };
  }

  private async acquire(host: string, conn: Connection): Promise<HeldCommand | undefined> {
    const hold = conn.hold!.bind(conn);
    let told: string | undefined;
    for (;;) {
      const held = await hold(hostLockCommand(JSON.stringify(this.note())));
      const answer = parseLockAnswer(held.firstLine);
      if (answer.kind === 'locked') {
        const previous = answer.previous;
        if (previous && !this.mine(previous)) {
          this.options.say(host, `took over the lock ${answer.file} on ${host}: ${describeHolder(previous)} ended without releasing it`);
        }
        return held;
      }
      await held.release('');
      if (answer.kind === 'unsupported') {
        this.options.say(host, `no run lock on ${host} (${answer.why}): another run could change it at the same time`);
        return undefined;
      }
      // this process holds it already, through another name of the same machine
      if (answer.holder && this.mine(answer.holder)) return undefined;
      const who = describeHolder(answer.holder);
      if (!this.options.wait) {
        throw new HostLockBusy(`another run holds ${answer.file} on ${host}: ${who}; retry later, or leave out --no-wait to wait for it`);
      }
      if (told !== who) {
        this.options.say(host, `waiting for ${who}, which holds ${answer.file} on ${host}`);
        told = who;
      }
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 500));
    }
  }

  private mine(note: HolderNote): boolean {
    return note.pid === process.pid && note.controller === hostname();
  }

  /** Releases every lock this process holds (the commands clear their notes and end). */
  async releaseAll(): Promise<void> {
    const all = [...this.held.values()];
    this.held.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.release('release\n').catch(() => {})));
  }
}
