/** listr2 on a terminal (loaded only then), plain lines otherwise, JSON lines with --json. */
import type { EventBus } from '../engine/events.js';
import { jsonLinesReporter } from '../report/json-lines.js';
import { PlainReporter } from '../report/plain.js';

export interface Reporter {
  flush(): Promise<void>;
}

export async function makeReporter(
  flags: { json?: boolean | undefined; color: boolean; verbose: number; diff?: boolean | undefined },
  bus: EventBus,
): Promise<Reporter> {
  const write = (s: string) => process.stdout.write(`${s}\n`);
  if (flags.json) {
    bus.on(jsonLinesReporter(write));
    return { flush: async () => {} };
  }
  const tty = process.stdout.isTTY && !process.env.CI && flags.color;
  if (tty) {
    const { LiveReporter } = await import('../report/live.js');
    const live = new LiveReporter({ verbosity: flags.verbose, diff: flags.diff ?? false, write });
    bus.on(live.handle);
    return live;
  }
  const plain = new PlainReporter({ color: flags.color && Boolean(process.stdout.isTTY), verbosity: flags.verbose, diff: flags.diff ?? false, write });
  bus.on(plain.handle);
  return { flush: async () => {} };
}
