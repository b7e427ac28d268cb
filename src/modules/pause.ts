/**
 * `pause`: waits a while on the controller. Prompting needs a person at a
 * terminal, which an ezplay run does not assume, so `prompt` without a
 * time is refused rather than hanging the run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ModuleError } from '../errors.js';
import { defineModule } from './types.js';

export interface PauseArgs {
  seconds?: number;
  minutes?: number;
  prompt?: string;
  echo: boolean;
}

export const pauseModule = defineModule<PauseArgs>({
  name: 'pause',
  summary: 'Wait for a number of seconds or minutes',
  description:
    'Waits `seconds` or `minutes` on the controller (a `prompt` is only shown, never answered: runs are non-interactive). ' +
    'Never changes the host.',
  controllerOnly: true,
  args: {
    seconds: { type: 'float', description: 'How long to wait, in seconds.' },
    minutes: { type: 'float', description: 'How long to wait, in minutes.' },
    prompt: { type: 'str', description: 'A text to show while waiting. Waiting for input is not supported.' },
    echo: { type: 'bool', default: true, description: 'Accepted for compatibility; there is no input to echo.' },
  },
  async plan(ctx, args) {
    if (args.seconds !== undefined && args.minutes !== undefined) throw new ModuleError('pause: seconds and minutes are mutually exclusive');
    const ms = args.seconds !== undefined ? args.seconds * 1000 : args.minutes !== undefined ? args.minutes * 60_000 : undefined;
    if (ms === undefined) throw new ModuleError('pause: waiting for input is not supported in non-interactive runs; give seconds or minutes');
    if (args.prompt) ctx.warn(args.prompt);
    const start = new Date();
    await sleep(Math.max(0, ms));
    const stop = new Date();
    return {
      changed: false,
      result: { start: start.toISOString(), stop: stop.toISOString(), delta: Math.round((stop.getTime() - start.getTime()) / 1000), echo: args.echo, user_input: '' },
    };
  },
});
