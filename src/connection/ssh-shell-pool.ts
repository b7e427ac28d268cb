/**
 * A few persistent shells per host: commands on one shell run one after
 * another, and up to `max` shells let commands for the same host overlap.
 * The first shell is kept warm; more open only when all are busy.
 */
import type { PersistentShell } from './persistent-shell.js';

export class ShellPool {
  private readonly shells: PersistentShell[] = [];
  private readonly lent = new Set<PersistentShell>();
  private opening = 0;
  private readonly waiters: Array<{ resolve: (shell: PersistentShell) => void; reject: (error: Error) => void }> = [];
  private closed = false;

  constructor(
    private readonly open: () => Promise<PersistentShell>,
    private readonly max: number,
  ) {}

  /** Lends a shell to `use`; a shell that dies under it is dropped, not reused. */
  async withShell<T>(use: (shell: PersistentShell) => Promise<T>): Promise<T> {
    const shell = await this.acquire();
    try {
      return await use(shell);
    } finally {
      this.release(shell);
    }
  }

  private async acquire(): Promise<PersistentShell> {
    if (this.closed) throw new Error('the connection is closed');
    this.prune();
    const idle = this.shells.find((s) => !this.lent.has(s));
    if (idle) {
      this.lent.add(idle);
      return idle;
    }
    if (this.shells.length + this.opening < this.max) {
      this.opening++;
      try {
        const shell = await this.open();
        this.shells.push(shell);
        this.lent.add(shell);
        return shell;
      } finally {
        this.opening--;
      }
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(shell: PersistentShell): void {
    this.lent.delete(shell);
    this.prune();
    const next = this.waiters.shift();
    if (!next) return;
    if (!shell.dead) {
      this.lent.add(shell);
      next.resolve(shell);
      return;
    }
    // The shell died; the waiter gets a fresh one (or the error) instead.
    this.acquire().then(next.resolve, next.reject);
  }

  private prune(): void {
    for (let i = this.shells.length - 1; i >= 0; i--) {
      const shell = this.shells[i] as PersistentShell;
      if (shell.dead && !this.lent.has(shell)) this.shells.splice(i, 1);
    }
  }

  closeAll(): void {
    this.closed = true;
    for (const shell of this.shells) shell.close();
    this.shells.length = 0;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the connection is closed'));
  }
}
