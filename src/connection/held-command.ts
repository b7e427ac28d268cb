/**
 * The controller side of `Connection.hold`, the same for every transport:
 * wait for the command's first line (or its exit), then keep its input open
 * until released. Closing the input is the release: a controller that dies
 * closes it too (its pipe, its ssh channel), so nothing stays held after it.
 */
import type { HeldCommand } from './types.js';

export interface HeldProcess {
  onStdout(listener: (chunk: Buffer) => void): void;
  onExit(listener: () => void): void;
  /** writes the text and ends the input */
  end(text: string): void;
  /** no longer keeps the controller's event loop alive once held */
  unref?(): void;
}

const RELEASE_WAIT_MS = 3000;

export function holdProcess(proc: HeldProcess): Promise<HeldCommand> {
  return new Promise((resolve) => {
    let out = '';
    let exited = false;
    let settled = false;
    const exit = new Promise<void>((done) =>
      proc.onExit(() => {
        exited = true;
        done();
        settle();
      }),
    );
    const settle = () => {
      if (settled) return;
      const newline = out.indexOf('\n');
      if (newline < 0 && !exited) return;
      settled = true;
      if (!exited) proc.unref?.();
      resolve({
        firstLine: newline < 0 ? out : out.slice(0, newline),
        exited,
        async release(text: string) {
          if (exited) return;
          proc.end(text);
          // a timer that keeps the process alive until the command has ended (or the wait is over)
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([exit, new Promise((r) => (timer = setTimeout(r, RELEASE_WAIT_MS)))]);
          clearTimeout(timer);
        },
      });
    };
    proc.onStdout((chunk) => {
      out += chunk.toString('utf8');
      settle();
    });
  });
}
