/**
 * `selinux_runtime`: what the running kernel does with SELinux (from
 * selinuxfs, as getenforce reads it), whether the SELinux tools are there,
 * whether a policy is installed, and with `kernel` the `selinux=0` argument
 * of every boot entry (`grubby --info=ALL`). One command.
 */
import { sh } from '../shell/quote.js';
import { FactError, defineFact } from './types.js';

export type SelinuxState = 'enforcing' | 'permissive' | 'disabled';

export interface SelinuxRuntime {
  state: SelinuxState;
  /** getenforce or selinuxenabled is on the PATH */
  tools: boolean;
  /** /etc/selinux/POLICY/policy exists for the policy asked about */
  policyInstalled: boolean;
  /** with `kernel`: true when no boot entry has selinux=0, false when all have it, null when they differ; undefined when not asked */
  kernelEnabled?: boolean | null;
  /** with `kernel`: grubby is missing */
  noGrubby?: boolean;
}

export interface SelinuxRuntimeArgs {
  policy?: string | undefined;
  kernel: boolean;
}

export function selinuxRuntimeCommand(a: SelinuxRuntimeArgs): string {
  const parts = [
    'if [ -r /sys/fs/selinux/enforce ]; then echo "enforce=$(cat /sys/fs/selinux/enforce)"; fi',
    'if command -v getenforce >/dev/null 2>&1 || command -v selinuxenabled >/dev/null 2>&1; then echo tools=1; fi',
  ];
  if (a.policy !== undefined) parts.push(`if [ -e ${sh`${`/etc/selinux/${a.policy}/policy`}`} ]; then echo policy=1; fi`);
  if (a.kernel) parts.push("if command -v grubby >/dev/null 2>&1; then echo @@grubby; grubby --info=ALL || echo @@failed; else echo nogrubby=1; fi");
  return `${parts.join('; ')}; true`;
}

export function parseSelinuxRuntime(stdout: string, a: SelinuxRuntimeArgs): SelinuxRuntime {
  const lines = stdout.split('\n');
  const enforce = lines.find((l) => l.startsWith('enforce='))?.slice('enforce='.length).trim();
  const out: SelinuxRuntime = {
    state: enforce === undefined ? 'disabled' : enforce === '1' ? 'enforcing' : 'permissive',
    tools: lines.includes('tools=1'),
    policyInstalled: lines.includes('policy=1'),
  };
  if (!a.kernel) return out;
  if (lines.includes('nogrubby=1')) return { ...out, noGrubby: true };
  if (lines.includes('@@failed')) throw new FactError('unable to run grubby');
  const args = lines.filter((l) => l.startsWith('args='));
  const off = args.filter((l) => /(^|[\s"])selinux=0([\s"]|$)/.test(l.slice(5))).length;
  return { ...out, kernelEnabled: off === 0 ? true : off === args.length ? false : null };
}

export const selinuxRuntimeFact = defineFact<SelinuxRuntimeArgs, SelinuxRuntime>({
  name: 'selinux_runtime',
  command: (a) => selinuxRuntimeCommand(a),
  parse: (out, a) => parseSelinuxRuntime(out.stdout, a),
});
