/**
 * `wait_for`: Ansible's wait_for for ports and files. A check that never
 * changes anything: the waiting happens inside `plan`, one read-only probe
 * per poll, and a timeout is a failure.
 */
import { ModuleError } from '../errors.js';
import { defineModule, type HostContext, type Module } from './types.js';
import { batchProbe, parseSections, section } from '../facts/sections.js';
import {
  activeConnections,
  connectCommand,
  isListening,
  LOCAL_HOSTS,
  NO_CONNECT_TOOL,
  parsePathCheck,
  parseProcNetTcp,
  pathCommand,
  procNetTcpCommand,
} from '../facts/sockets.js';

export type WaitState = 'started' | 'stopped' | 'present' | 'absent' | 'drained';

export interface WaitForArgs {
  host: string;
  port?: number;
  path?: string;
  state: WaitState;
  search_regex?: string;
  timeout: number;
  delay: number;
  sleep: number;
  connect_timeout: number;
  msg?: string;
}

/** Time, injected so tests do not wait. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** One poll: true when the wanted state holds. */
type Check = () => Promise<boolean>;

async function probeSection(ctx: HostContext, command: string) {
  return section(parseSections((await ctx.probe(batchProbe([{ name: 'check', command }]))).stdout), 'check');
}

function portCheck(ctx: HostContext, a: WaitForArgs, port: number): Check {
  const gone = a.state === 'stopped' || a.state === 'absent';
  if (a.state === 'drained') {
    return async () => activeConnections(parseProcNetTcp((await probeSection(ctx, procNetTcpCommand())).out), port) === 0;
  }
  if (LOCAL_HOSTS.has(a.host)) {
    return async () => isListening(parseProcNetTcp((await probeSection(ctx, procNetTcpCommand())).out), a.host, port) !== gone;
  }
  return async () => {
    const res = await probeSection(ctx, connectCommand(a.host, port, a.connect_timeout));
    if (res.rc === NO_CONNECT_TOOL) throw new ModuleError(`wait_for: ${ctx.host} has neither bash nor nc to connect to ${a.host}:${port}`);
    return (res.rc === 0) !== gone;
  };
}

function pathCheck(ctx: HostContext, a: WaitForArgs, path: string): Check {
  const gone = a.state === 'stopped' || a.state === 'absent';
  const regex = gone ? undefined : a.search_regex;
  return async () => {
    const found = parsePathCheck((await probeSection(ctx, pathCommand(path, regex))).out);
    if (gone) return !found.present;
    return found.present && (regex === undefined || found.match);
  };
}

/** Ansible's wording, so `failed_when` on the message keeps working. */
function timeoutMessage(a: WaitForArgs): string {
  if (a.msg !== undefined) return a.msg;
  const gone = a.state === 'stopped' || a.state === 'absent';
  if (a.path !== undefined) {
    if (gone) return `Timeout when waiting for ${a.path} to be absent.`;
    if (a.search_regex !== undefined) return `Timeout when waiting for search string ${a.search_regex} in ${a.path}`;
    return `Timeout when waiting for file ${a.path}`;
  }
  if (a.state === 'drained') return `Timeout when waiting for ${a.host}:${a.port} to drain`;
  return gone ? `Timeout when waiting for ${a.host}:${a.port} to stop.` : `Timeout when waiting for ${a.host}:${a.port}`;
}

export function createWaitFor(clock: Clock = realClock): Module<WaitForArgs> {
  return defineModule<WaitForArgs>({
    name: 'wait_for',
    summary: 'Wait for a port or a file to reach a state',
    description:
      'Polls the host every `sleep` seconds until the condition holds or `timeout` runs out (a failure). Ports on ' +
      'the host itself (127.0.0.1, localhost, 0.0.0.0, ::1) are judged from /proc/net/tcp and tcp6 (a listening ' +
      "socket); other hosts by opening a connection from the host with bash's /dev/tcp, or nc without bash. " +
      'search_regex applies to files only. Changes nothing, so it has no undo.',
    args: {
      host: { type: 'str', default: '127.0.0.1', description: 'The address to wait for, as seen from the host.' },
      port: { type: 'int', description: 'TCP port to wait for.' },
      path: { type: 'path', description: 'A file to wait for (instead of a port).' },
      state: {
        type: 'str',
        default: 'started',
        choices: ['started', 'stopped', 'present', 'absent', 'drained'],
        description:
          'started/present: the port accepts connections or the file exists; stopped/absent: the opposite; ' +
          'drained: no established connections on the port are left.',
      },
      search_regex: {
        type: 'str',
        description: 'With path and started/present: wait until the file matches this regular expression (grep -P, else -E).',
      },
      timeout: { type: 'int', default: 300, description: 'Seconds to wait at most, counted from the start (delay included).' },
      delay: { type: 'int', default: 0, description: 'Seconds to wait before the first check.' },
      sleep: { type: 'float', default: 1, description: 'Seconds between checks.' },
      connect_timeout: { type: 'int', default: 5, description: 'Seconds one connection attempt to a remote host may take.' },
      msg: { type: 'str', description: 'The failure message instead of the default one.' },
    },
    async plan(ctx, args) {
      if (args.port !== undefined && args.path !== undefined) throw new ModuleError('wait_for: port and path are mutually exclusive');
      if (args.search_regex !== undefined && args.path === undefined) {
        throw new ModuleError('wait_for: search_regex is supported with path only');
      }
      if (args.state === 'drained' && args.port === undefined) throw new ModuleError('wait_for: state drained needs a port');
      const start = clock.now();
      const end = start + args.timeout * 1000;
      const elapsed = () => Math.floor((clock.now() - start) / 1000);
      if (args.delay > 0) await clock.sleep(args.delay * 1000);
      const base = { state: args.state, ...(args.port !== undefined ? { port: args.port } : {}), ...(args.path !== undefined ? { path: args.path } : {}) };
      if (args.port === undefined && args.path === undefined) {
        await clock.sleep(args.timeout * 1000);
        return { changed: false, result: { ...base, elapsed: elapsed() } };
      }
      const check = args.port !== undefined ? portCheck(ctx, args, args.port) : pathCheck(ctx, args, args.path as string);
      for (;;) {
        if (await check()) return { changed: false, result: { ...base, elapsed: elapsed() } };
        if (clock.now() + args.sleep * 1000 > end) break;
        await clock.sleep(args.sleep * 1000);
      }
      throw new ModuleError(timeoutMessage(args), { ...base, elapsed: elapsed() });
    },
  });
}

export const waitFor = createWaitFor();
