/**
 * `modprobe`: a kernel module loaded or not. Facts: /proc/modules and the
 * kernel's modules.builtin in one read-only probe, parsed purely; the step
 * is `modprobe`, undo the opposite.
 */
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { shlexSplit } from '../shell/shlex.js';
import { defineModule, type Step } from './types.js';

export interface ModprobeArgs {
  name: string;
  state: 'present' | 'absent';
  params: string;
  persistent: 'disabled';
}

export const MODULES_PROBE = 'cat /proc/modules; echo @@builtin; cat "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null; true';

/** Loaded and built-in module names; dashes and underscores are the same name to the kernel. */
export function parseModules(stdout: string): { loaded: Set<string>; builtin: Set<string> } {
  const norm = (n: string) => n.replaceAll('-', '_');
  const [loaded = '', builtin = ''] = stdout.split('@@builtin\n');
  return {
    loaded: new Set(loaded.split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean).map(norm)),
    builtin: new Set(builtin.split('\n').map((l) => (l.split('/').pop() ?? '').replace(/\.ko(\.\w+)?$/, '')).filter(Boolean).map(norm)),
  };
}

export const modprobeModule = defineModule<ModprobeArgs>({
  name: 'modprobe',
  summary: 'Load or unload a kernel module',
  description:
    'Loads `name` (with `params`) or unloads it. A module built into the kernel counts as loaded. ' +
    'Undo unloads what was loaded and loads what was unloaded.',
  args: {
    name: { type: 'str', required: true, description: 'The kernel module (`br_netfilter`).' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Loaded or not.' },
    params: { type: 'str', default: '', description: 'Module parameters, as `modprobe` takes them: `max_loop=64`.' },
    persistent: {
      type: 'str',
      default: 'disabled',
      choices: ['disabled'],
      description: 'Only `disabled`: to load a module at boot, write `/etc/modules-load.d/NAME.conf` with `copy`.',
    },
  },
  async plan(ctx, args) {
    if (!/^[\w-]+$/.test(args.name)) throw new ModuleError(`modprobe: '${args.name}' is not a module name`);
    const res = await ctx.probe(MODULES_PROBE);
    const { loaded, builtin } = parseModules(res.stdout);
    const key = args.name.replaceAll('-', '_');
    const present = loaded.has(key) || builtin.has(key);
    if ((args.state === 'present') === present) return { changed: false, result: { name: args.name, params: args.params, state: args.state } };
    if (args.state === 'absent' && builtin.has(key)) throw new ModuleError(`modprobe: ${args.name} is built into the kernel and cannot be unloaded`);
    const load: Step = { kind: 'exec', command: `${sh`modprobe ${args.name}`}${args.params ? ' ' + shlexSplit(args.params).map((p) => sh`${p}`).join(' ') : ''}`, description: `load ${args.name}` };
    const unload: Step = { kind: 'exec', command: sh`modprobe -r ${args.name}`, description: `unload ${args.name}` };
    return {
      changed: true,
      diff: [{ subject: `kernel module ${args.name}`, before: present ? 'loaded' : 'not loaded', after: present ? 'not loaded' : 'loaded', kind: 'summary' }],
      steps: [args.state === 'present' ? load : unload],
      undo: [args.state === 'present' ? unload : { ...load, command: sh`modprobe ${args.name}` }],
      result: { name: args.name, params: args.params, state: args.state },
    };
  },
});
