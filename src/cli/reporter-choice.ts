/** listr2 on a terminal (loaded only then), plain lines otherwise, JSON lines with --json; the timing summary with --timings, or -v on a terminal. */
import type { EventBus } from '../engine/events.js';
import { jsonLinesReporter } from '../report/json-lines.js';
import { PlainReporter } from '../report/plain.js';
import { TimingsCollector, timingsLines } from '../report/timings.js';

export interface Reporter {
  flush(): Promise<void>;
}

export interface ReporterFlags {
  json?: boolean | undefined;
  color: boolean;
  verbose: number;
  diff?: boolean | undefined;
  timings?: boolean | undefined;
}

export async function makeReporter(flags: ReporterFlags, bus: EventBus): Promise<Reporter> {
  const write = (s: string) => process.stdout.write(`${s}\n`);
  // registered first, so that it has seen the recap when a reporter writes it
  // -v adds them to the terminal's views; plain lines stay Ansible's at every -v, where scripts read them
  const timings = flags.timings || (flags.verbose > 0 && !flags.json && liveView(flags)) ? new TimingsCollector() : undefined;
  if (timings) bus.on(timings.handle);
  if (flags.json) {
    bus.on(jsonLinesReporter(write, timings));
    return { flush: async () => {} };
  }
  const reporter = await textReporter(flags, bus, write);
  return {
    async flush() {
      await reporter.flush();
      const summary = timings?.summary();
      if (summary) for (const line of timingsLines(summary, flags.color && Boolean(process.stdout.isTTY))) write(line);
    },
  };
}

/** Output goes to a terminal that a live view may redraw. */
const liveView = (flags: ReporterFlags): boolean => Boolean(process.stdout.isTTY && !process.env.CI && flags.color);

async function textReporter(flags: ReporterFlags, bus: EventBus, write: (s: string) => void): Promise<Reporter> {
  const tty = liveView(flags);
  if (tty && flags.verbose > 0) {
    const { HostLinesReporter } = await import('../report/live-hosts.js');
    const live = new HostLinesReporter({ verbosity: flags.verbose, diff: flags.diff ?? false, write });
    bus.on(live.handle);
    return live;
  }
  if (tty) {
    const { LiveReporter } = await import('../report/live.js');
    const out = process.stdout;
    const terminal = {
      write: (text: string) => void out.write(text),
      get columns() {
        return out.columns || 80;
      },
      get rows() {
        return out.rows || 24;
      },
    };
    const live = new LiveReporter({ diff: flags.diff ?? false, terminal });
    bus.on(live.handle);
    return live;
  }
  const writeError = (s: string) => process.stderr.write(`${s}\n`);
  const plain = new PlainReporter({ color: flags.color && Boolean(process.stdout.isTTY), verbosity: flags.verbose, diff: flags.diff ?? false, write, writeError });
  bus.on(plain.handle);
  return { flush: async () => {} };
}
