/**
 * `selinux`: the SELINUX= and SELINUXTYPE= lines of the SELinux config (through
 * the text-edit plan: atomic, backed up, undone), the running mode with
 * `setenforce`, and with update_kernel_param the kernel's `selinux=0` by
 * grubby, as ansible.posix's module does them. A host without SELinux at all
 * already is what state=disabled asks for.
 */
import { ModuleError } from '../errors.js';
import { pathsFact } from '../facts/paths.js';
import { selinuxRuntimeFact, type SelinuxState } from '../facts/selinux.js';
import { splitLinesKeep, type EditResult } from './line-edits.js';
import { planTextEdit } from './text-edit-plan.js';
import { defineModule, type Step } from './types.js';

export interface SelinuxArgs {
  policy?: string;
  state: SelinuxState;
  configfile: string;
  update_kernel_param: boolean;
}

/** The value of the first `KEY=` line, as Ansible reads it. */
export function configValue(text: string, key: string): string | undefined {
  const line = splitLinesKeep(text).find((l) => l.startsWith(`${key}=`));
  return line?.replace(/[\r\n]+$/, '').split('=')[1]?.trim();
}

/** Every `KEY=` line set to `value`, or one appended. */
export function setConfigValue(text: string, key: string, value: string): EditResult {
  const lines = splitLinesKeep(text);
  let found = false;
  const out = lines.map((l) => {
    if (!l.startsWith(`${key}=`)) return l;
    found = true;
    return `${key}=${value}${/\r?\n$/.exec(l)?.[0] ?? '\n'}`;
  });
  if (!found) {
    if (out.length && !/[\r\n]$/.test(out[out.length - 1] as string)) out.push('\n');
    out.push(`${key}=${value}\n`);
  }
  const next = out.join('');
  return { text: next, changed: next !== text, msg: '' };
}

const setenforce = (state: 'enforcing' | 'permissive', description: string): Step => ({
  kind: 'exec',
  command: `setenforce ${state === 'enforcing' ? 1 : 0}`,
  description,
});
const grubby = (enable: boolean, description: string): Step => ({
  kind: 'exec',
  command: `grubby --update-kernel=ALL ${enable ? '--remove-args' : '--args'} selinux=0`,
  description,
});

export const selinuxModule = defineModule<SelinuxArgs>({
  name: 'selinux',
  summary: 'Set the SELinux mode and policy',
  description:
    'Sets `SELINUX=` and `SELINUXTYPE=` in `configfile` and, when SELinux runs, the running mode with `setenforce` ' +
    "(state=disabled sets it permissive until the reboot), as ansible.posix's selinux does; `reboot_required` says when " +
    'the change waits for a reboot (to or from disabled). On a host without SELinux (no configfile, no getenforce or ' +
    'selinuxenabled) state=disabled already holds: no change. Undo puts the file, the mode and the kernel argument back.',
  args: {
    policy: { type: 'str', description: 'The SELinux policy (`targeted`); required unless state=disabled.' },
    state: { type: 'str', required: true, choices: ['enforcing', 'permissive', 'disabled'], description: 'The SELinux mode.' },
    configfile: { type: 'path', default: '/etc/selinux/config', aliases: ['conf', 'file'], description: 'The SELinux config file.' },
    update_kernel_param: {
      type: 'bool',
      default: false,
      description: 'Also add or remove `selinux=0` on the kernel command line of every boot entry, with grubby.',
    },
  },
  async plan(ctx, args) {
    const { state, configfile } = args;
    const [config] = await ctx.gather(pathsFact, [{ path: configfile, follow: true, content: true }]);
    const runtime = await ctx.gather(selinuxRuntimeFact, { policy: args.policy, kernel: args.update_kernel_param });
    const base = { configfile, state, reboot_required: false };
    if (!config?.stat) {
      if (state === 'disabled' && !runtime.tools && runtime.state === 'disabled') {
        return { changed: false, result: { ...base, policy: args.policy ?? null, msg: `SELinux is not installed on this host (no ${configfile}): it is disabled` } };
      }
      throw new ModuleError(`Unable to find file ${configfile}`);
    }
    const text = config.content?.toString('utf8') ?? '';
    const configPolicy = configValue(text, 'SELINUXTYPE');
    const configState = configValue(text, 'SELINUX');
    if (state !== 'disabled' && !args.policy) throw new ModuleError("Policy is required if state is not 'disabled'");
    const policy = args.policy ?? configPolicy;
    const msgs: string[] = [];
    const warnings: string[] = [];
    let rebootRequired = false;

    if (policy !== undefined && policy !== configPolicy) {
      if (!runtime.policyInstalled) throw new ModuleError(`Policy ${policy} does not exist in /etc/selinux/`);
      msgs.push(`SELinux policy configuration in '${configfile}' changed from '${configPolicy ?? 'None'}' to '${policy}'`);
    }
    const steps: Step[] = [];
    const undo: Step[] = [];
    if (state !== runtime.state) {
      if (runtime.state !== 'disabled') {
        if (state === 'disabled') {
          if (runtime.state === 'enforcing') {
            steps.push(setenforce('permissive', 'set SELinux permissive until the reboot'));
            undo.push(setenforce('enforcing', 'set SELinux enforcing again'));
            warnings.push("SELinux state temporarily changed from 'enforcing' to 'permissive'. State change will take effect next reboot.");
          } else warnings.push('SELinux state change will take effect next reboot');
          rebootRequired = true;
        } else {
          steps.push(setenforce(state, `set SELinux ${state}`));
          undo.push(setenforce(runtime.state, `set SELinux ${runtime.state} again`));
          msgs.push(`SELinux state changed from '${runtime.state}' to '${state}'`);
        }
      } else {
        warnings.push(`Reboot is required to set SELinux state to '${state}'`);
        rebootRequired = true;
      }
    }
    if (state !== configState) msgs.push(`Config SELinux state changed from '${configState ?? 'None'}' to '${state}'`);

    const file = await planTextEdit(ctx, {
      path: configfile,
      attributes: {},
      backup: false,
      create: false,
      removing: false,
      transform: (before) => {
        const withPolicy = policy !== undefined ? setConfigValue(before, 'SELINUXTYPE', policy).text : before;
        const after = setConfigValue(withPolicy, 'SELINUX', state).text;
        return { text: after, changed: after !== before, msg: '' };
      },
    });

    const wantKernel = state !== 'disabled';
    if (args.update_kernel_param) {
      if (runtime.noGrubby) throw new ModuleError("'grubby' command not found on host");
      if (runtime.kernelEnabled !== wantKernel) {
        steps.push(grubby(wantKernel, `${wantKernel ? 'remove' : 'add'} selinux=0 on the kernel command line`));
        // an inconsistent start cannot be rebuilt: undo makes every entry as the other way round
        undo.unshift(grubby(!wantKernel, `${wantKernel ? 'add' : 'remove'} selinux=0 on the kernel command line again`));
        const from = runtime.kernelEnabled === null || runtime.kernelEnabled === undefined ? '<inconsistent>' : wantKernel ? 'disabled' : 'enabled';
        msgs.push(`Kernel SELinux state changed from '${from}' to '${wantKernel ? 'enabled' : 'disabled'}'`);
      }
    }

    const changed = file.changed || steps.length > 0;
    const result = { ...base, policy: policy ?? null, reboot_required: rebootRequired, msg: msgs.join(', ') };
    const diff = [...(file.diff ?? [])];
    if (steps.some((s) => s.description.startsWith('set SELinux'))) diff.push({ subject: 'SELinux mode', before: runtime.state, after: state === 'disabled' ? 'permissive' : state, kind: 'summary' });
    const out = { ...file, changed, result, msg: result.msg, ...(warnings.length ? { warnings } : {}) };
    if (!changed) return { ...out, steps: [], diff: [] };
    return { ...out, diff, steps: [...(file.steps ?? []), ...steps], undo: [...undo, ...(file.undo ?? [])] };
  },
});
