/**
 * `sysctl`: a kernel parameter in a sysctl file (`name = value`) and, with
 * `reload`/`sysctl_set`, in the running kernel. The file goes through the
 * lineinfile content plan (atomic, undo restores it); the running value is
 * read with `sysctl -n` and set back by undo.
 */
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { splitLinesKeep, type EditResult } from './line-edits.js';
import { planTextEdit } from './text-edit-plan.js';
import { defineModule, type Step } from './types.js';

export interface SysctlArgs {
  name: string;
  value?: string;
  state: 'present' | 'absent';
  sysctl_file: string;
  reload: boolean;
  sysctl_set: boolean;
  ignoreerrors: boolean;
}

/** Values compare as their whitespace-separated words, as Ansible does (`4096 87380` vs `4096\t87380`). */
export const sysctlValue = (v: string): string => v.trim().split(/\s+/).join(' ');

/** Sets `name = value` (the last such line wins, earlier ones go) or removes it; other lines stay. */
export function sysctlFileEdit(text: string, name: string, value: string | undefined): EditResult {
  const key = name.replaceAll('/', '.');
  const lines = splitLinesKeep(text);
  const isKey = (line: string) => {
    const m = /^\s*([^#;=\s][^=]*?)\s*=(.*)$/.exec(line.replace(/[\r\n]+$/, ''));
    return m !== null && (m[1] as string).replaceAll('/', '.') === key ? sysctlValue(m[2] as string) : undefined;
  };
  const found = lines.map(isKey);
  const wanted = value !== undefined ? `${key} = ${sysctlValue(value)}\n` : undefined;
  const last = found.map((v) => v !== undefined).lastIndexOf(true);
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (found[i] === undefined) out.push(line);
    else if (i === last && wanted !== undefined) out.push(found[i] === sysctlValue(value as string) ? line : wanted);
  });
  if (wanted !== undefined && last < 0) {
    if (out.length && !/[\r\n]$/.test(out[out.length - 1] as string)) out.push('\n');
    out.push(wanted);
  }
  const next = out.join('');
  return { text: next, changed: next !== text, msg: '' };
}

export const sysctlModule = defineModule<SysctlArgs>({
  name: 'sysctl',
  summary: 'Set a kernel parameter, in a sysctl file and the running kernel',
  description:
    'Keeps `name = value` in `sysctl_file` (or removes it with state=absent). With `reload` (the default) a changed file ' +
    'is applied with `sysctl -p FILE`; with `sysctl_set` the running value is also set with `sysctl -w` when it differs. ' +
    'Undo restores the file and sets the running value back.',
  args: {
    name: { type: 'str', required: true, aliases: ['key'], description: 'The parameter, dotted (`net.ipv4.ip_forward`).' },
    value: { type: 'str', aliases: ['val'], description: 'Its value (required with state=present).' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Whether the parameter is set in the file.' },
    sysctl_file: { type: 'path', default: '/etc/sysctl.conf', description: 'The file that keeps it across reboots.' },
    reload: { type: 'bool', default: true, description: 'Apply the file with `sysctl -p` when it changes.' },
    sysctl_set: { type: 'bool', default: false, description: 'Also check the running value and set it with `sysctl -w`.' },
    ignoreerrors: { type: 'bool', default: false, description: 'With reload: ignore unknown keys (`sysctl -e`).' },
  },
  async plan(ctx, args) {
    if (args.state === 'present' && args.value === undefined) throw new ModuleError('sysctl: value is required with state=present');
    const plan = await planTextEdit(ctx, {
      path: args.sysctl_file,
      attributes: {},
      backup: false,
      create: true,
      removing: args.state === 'absent',
      transform: (text) => sysctlFileEdit(text, args.name, args.state === 'present' ? args.value : undefined),
    });
    const steps: Step[] = [...(plan.steps ?? [])];
    const undo: Step[] = [...(plan.undo ?? [])];
    const diff = [...(plan.diff ?? [])];
    const runtime = args.state === 'present' && (args.sysctl_set || (args.reload && plan.changed));
    if (runtime) {
      const res = await ctx.probe(sh`sysctl -n ${args.name}`);
      if (res.rc !== 0 && !args.ignoreerrors) throw new ModuleError(`sysctl: ${res.stderr.trim() || `unknown key ${args.name}`}`);
      const current = res.rc === 0 ? sysctlValue(res.stdout) : undefined;
      const wanted = sysctlValue(args.value as string);
      if (current !== wanted) {
        diff.push({ subject: `sysctl ${args.name}`, before: current ?? '(unknown)', after: wanted, kind: 'summary' });
        steps.push(
          plan.changed && args.reload
            ? { kind: 'exec', command: `sysctl${args.ignoreerrors ? ' -e' : ''} ${sh`-p ${args.sysctl_file}`}`, description: `apply ${args.sysctl_file}` }
            : { kind: 'exec', command: sh`sysctl -w ${`${args.name}=${wanted}`}`, description: `set ${args.name}` },
        );
        if (current !== undefined) undo.unshift({ kind: 'exec', command: sh`sysctl -w ${`${args.name}=${current}`}`, description: `set ${args.name} back` });
      }
    }
    if (steps.length === 0) return { ...plan, changed: false };
    return { ...plan, changed: true, steps, undo, diff };
  },
});
