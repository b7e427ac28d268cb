/**
 * `reboot`: reboots the host and waits until it is back. The plan reads the
 * boot id; its one step starts the reboot in the background (so the step
 * itself returns before the connection drops); after the step the task
 * waits until the host answers with a new boot id and `test_command`
 * succeeds, reconnecting as often as it takes. A reboot leaves nothing to
 * take back, so its undo is empty; in check mode nothing reboots.
 */
import { ModuleError } from '../errors.js';
import { bootIdFact } from '../facts/boot.js';
import { sh } from '../shell/quote.js';
import { defineModule, type HostContext } from './types.js';

export interface RebootArgs {
  reboot_timeout: number;
  pre_reboot_delay: number;
  post_reboot_delay: number;
  test_command: string;
  msg: string;
  reboot_command?: string;
}

/** The background command that reboots after the step has returned. */
export function rebootCommand(a: RebootArgs): string {
  const reboot = a.reboot_command ?? sh`shutdown -r now ${a.msg}`;
  // at least a second, so that the step's own exit status reaches the controller
  const script = `sleep ${Math.max(1, a.pre_reboot_delay)}; ${reboot}`;
  return `nohup sh -c ${sh`${script}`} >/dev/null 2>&1 &`;
}

const pause = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** Waits until the host is up on another boot and passes the test command; returns the seconds it took. */
export async function waitForReboot(ctx: HostContext, a: RebootArgs, oldBootId: string, started: number, poll = 2): Promise<number> {
  const deadline = started + a.reboot_timeout * 1000;
  let last = 'the host still runs its old boot';
  let lost = false;
  for (;;) {
    try {
      if (lost) await ctx.reconnect?.();
      lost = false;
      const bootId = await ctx.gather(bootIdFact, undefined, { fresh: true });
      if (bootId !== oldBootId) {
        const test = await ctx.probe(a.test_command);
        if (test.rc === 0) break;
        last = `test_command exited ${test.rc}: ${test.stderr.trim()}`;
      }
    } catch (error) {
      // the connection went down with the host: open it again on the next try
      lost = true;
      last = (error as Error).message;
    }
    if (Date.now() + poll * 1000 > deadline) throw new ModuleError(`reboot: the host was not back within ${a.reboot_timeout} s: ${last}`, { rebooted: false });
    ctx.progress?.({ text: `waiting for the reboot: ${last}` });
    await pause(poll);
  }
  if (a.post_reboot_delay > 0) await pause(a.post_reboot_delay);
  return Math.round((Date.now() - started) / 1000);
}

export const rebootModule = defineModule<RebootArgs>({
  name: 'reboot',
  summary: 'Reboot the host and wait until it is back',
  description:
    'Starts `shutdown -r now MSG` (or `reboot_command`) after `pre_reboot_delay` seconds, then reconnects until the ' +
    'host runs on a new boot id and `test_command` succeeds, for at most `reboot_timeout` seconds, then waits ' +
    '`post_reboot_delay`. Always changed; nothing to undo; `--check` reboots nothing.',
  args: {
    reboot_timeout: { type: 'int', default: 600, description: 'Seconds to wait for the host to come back and pass test_command.' },
    pre_reboot_delay: { type: 'int', default: 0, description: 'Seconds to wait before rebooting.' },
    post_reboot_delay: { type: 'int', default: 0, description: 'Seconds to wait after the host is back, before the task ends.' },
    test_command: { type: 'str', default: 'whoami', description: 'A command that must succeed on the rebooted host.' },
    msg: { type: 'str', default: 'Reboot initiated by ezplay', description: 'The message shown to logged-in users.' },
    reboot_command: { type: 'str', description: 'The command that reboots, instead of `shutdown -r now MSG`.' },
  },
  async plan(ctx, args) {
    const bootId = await ctx.gather(bootIdFact, undefined);
    return {
      changed: true,
      diff: [{ subject: 'host', before: `running (boot ${bootId})`, after: 'rebooted', kind: 'summary' }],
      steps: [{ kind: 'exec', command: rebootCommand(args), description: `reboot${args.pre_reboot_delay ? ` in ${args.pre_reboot_delay} s` : ''}` }],
      // a reboot changes nothing that could be taken back
      undo: [],
      afterApply: async () => {
        const started = Date.now();
        const elapsed = await waitForReboot(ctx, args, bootId, started);
        return { rebooted: true, elapsed };
      },
    };
  },
});
