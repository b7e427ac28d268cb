import test from 'ava';
import { parseSelinuxRuntime } from '../../../src/facts/selinux.js';
import { configValue, selinuxModule, setConfigValue } from '../../../src/modules/selinux.js';
import { moduleTable, type HostAnswers } from '../../helpers/module-table.js';
import { absent, checks, pathsProbe, present, restores } from './core-modules-harness.js';

// /etc/selinux/config as Rocky 9 ships it, shortened
const config = (state: string, policy = 'targeted') =>
  `# This file controls the state of SELinux on the system.\nSELINUX=${state}\n# SELINUXTYPE= can take one of these values:\nSELINUXTYPE=${policy}\n`;

test('config values: the first KEY= line; setting replaces every one or appends', (t) => {
  t.is(configValue(config('enforcing'), 'SELINUX'), 'enforcing');
  t.is(configValue(config('enforcing'), 'SELINUXTYPE'), 'targeted');
  t.is(configValue('# SELINUX=x\n', 'SELINUX'), undefined);
  t.is(setConfigValue(config('enforcing'), 'SELINUX', 'permissive').text, config('permissive'));
  t.is(setConfigValue('SELINUX=enforcing', 'SELINUXTYPE', 'mls').text, 'SELINUX=enforcing\nSELINUXTYPE=mls\n');
  t.false(setConfigValue(config('disabled'), 'SELINUX', 'disabled').changed);
});

test('runtime: selinuxfs says the mode; grubby says the kernel argument', (t) => {
  t.like(parseSelinuxRuntime('enforce=1\ntools=1\npolicy=1\n', { kernel: false }), { state: 'enforcing', tools: true, policyInstalled: true });
  t.like(parseSelinuxRuntime('', { kernel: false }), { state: 'disabled', tools: false });
  const grubby = (...args: string[]) => `tools=1\n@@grubby\n${args.map((a, i) => `index=${i}\nkernel="/boot/vmlinuz-${i}"\nargs="${a}"\n`).join('')}`;
  t.is(parseSelinuxRuntime(grubby('ro quiet', 'ro'), { kernel: true }).kernelEnabled, true);
  t.is(parseSelinuxRuntime(grubby('ro selinux=0', 'selinux=0 quiet'), { kernel: true }).kernelEnabled, false);
  t.is(parseSelinuxRuntime(grubby('ro selinux=0', 'ro'), { kernel: true }).kernelEnabled, null);
  t.true(parseSelinuxRuntime('nogrubby=1\n', { kernel: true }).noGrubby);
});

const host = (file: string | undefined, runtime: string): HostAnswers => [
  pathsProbe(file === undefined ? absent(0, '/etc') : present(0, { content: file, withContent: true })),
  ['/sys/fs/selinux/enforce', runtime],
];

moduleTable([
  {
    name: 'a host without SELinux is already disabled',
    module: selinuxModule,
    args: { state: 'disabled' },
    facts: host(undefined, ''),
    expect: { changed: false, result: { state: 'disabled', reboot_required: false, msg: 'SELinux is not installed on this host (no /etc/selinux/config): it is disabled' } },
  },
  {
    name: 'a host without SELinux cannot be made enforcing',
    module: selinuxModule,
    args: { state: 'enforcing', policy: 'targeted' },
    facts: host(undefined, ''),
    expect: { error: 'Unable to find file /etc/selinux/config' },
  },
  {
    name: 'the tools without the config file: Ansible\'s error',
    module: selinuxModule,
    args: { state: 'disabled' },
    facts: host(undefined, 'tools=1\n'),
    expect: { error: 'Unable to find file /etc/selinux/config' },
  },
  {
    name: 'enforcing to permissive: the file and setenforce 0; undo setenforce 1 and the file back',
    module: selinuxModule,
    args: { state: 'permissive', policy: 'targeted' },
    facts: host(config('enforcing'), 'enforce=1\ntools=1\npolicy=1\n'),
    expect: {
      changed: true,
      diff: [{ before: config('enforcing'), after: config('permissive'), kind: 'content' }, 'SELinux mode: enforcing -> permissive'],
      result: { reboot_required: false, policy: 'targeted', msg: "SELinux state changed from 'enforcing' to 'permissive', Config SELinux state changed from 'enforcing' to 'permissive'" },
      also: checks(
        (t, plan) => t.deepEqual(plan.steps?.at(-1)?.kind === 'exec' ? plan.steps.at(-1) : undefined, { kind: 'exec', command: 'setenforce 0', description: 'set SELinux permissive' }),
        (t, plan) => t.is(plan.undo?.[0]?.kind === 'exec' ? plan.undo[0].command : '', 'setenforce 1'),
        restores('/etc/selinux/config'),
      ),
    },
    after: host(config('permissive'), 'enforce=0\ntools=1\npolicy=1\n'),
  },
  {
    name: 'already permissive: no change',
    module: selinuxModule,
    args: { state: 'permissive', policy: 'targeted' },
    facts: host(config('permissive'), 'enforce=0\ntools=1\npolicy=1\n'),
    expect: { changed: false, msg: '' },
  },
  {
    name: 'enforcing to disabled: permissive until the reboot, reboot_required',
    module: selinuxModule,
    args: { state: 'disabled' },
    facts: host(config('enforcing'), 'enforce=1\ntools=1\n'),
    expect: {
      changed: true,
      result: { reboot_required: true, policy: 'targeted', msg: "Config SELinux state changed from 'enforcing' to 'disabled'" },
      also: (t, plan) => {
        t.deepEqual(plan.warnings, ["SELinux state temporarily changed from 'enforcing' to 'permissive'. State change will take effect next reboot."]);
        t.true(plan.steps?.some((s) => s.kind === 'exec' && s.command === 'setenforce 0'));
      },
    },
    after: host(config('disabled'), 'enforce=0\ntools=1\n'),
  },
  {
    name: 'disabled at runtime, enforcing asked: the file, and a reboot',
    module: selinuxModule,
    args: { state: 'enforcing', policy: 'targeted' },
    facts: host(config('disabled'), 'tools=1\npolicy=1\n'),
    expect: {
      changed: true,
      result: { reboot_required: true, msg: "Config SELinux state changed from 'disabled' to 'enforcing'" },
      also: (t, plan) => {
        t.deepEqual(plan.warnings, ["Reboot is required to set SELinux state to 'enforcing'"]);
        t.false(plan.steps?.some((s) => s.kind === 'exec' && s.command.startsWith('setenforce')));
      },
    },
    after: host(config('enforcing'), 'tools=1\npolicy=1\n'),
  },
  {
    name: 'a policy not installed is refused',
    module: selinuxModule,
    args: { state: 'enforcing', policy: 'mls' },
    facts: host(config('enforcing'), 'enforce=1\ntools=1\n'),
    expect: { error: 'Policy mls does not exist in /etc/selinux/' },
  },
  {
    name: 'policy is required unless disabled',
    module: selinuxModule,
    args: { state: 'enforcing' },
    facts: host(config('enforcing'), 'enforce=1\ntools=1\n'),
    expect: { error: "Policy is required if state is not 'disabled'" },
  },
  {
    name: 'update_kernel_param: grubby adds selinux=0; undo removes it',
    module: selinuxModule,
    args: { state: 'disabled', update_kernel_param: true },
    facts: host(config('disabled'), 'tools=1\n@@grubby\nindex=0\nargs="ro quiet"\n'),
    expect: {
      changed: true,
      result: { msg: "Kernel SELinux state changed from 'enabled' to 'disabled'" },
      also: (t, plan) => {
        t.deepEqual(plan.steps?.map((s) => (s.kind === 'exec' ? s.command : s.kind)), ['grubby --update-kernel=ALL --args selinux=0']);
        t.deepEqual(plan.undo?.map((s) => (s.kind === 'exec' ? s.command : s.kind)), ['grubby --update-kernel=ALL --remove-args selinux=0']);
      },
    },
    after: host(config('disabled'), 'tools=1\n@@grubby\nindex=0\nargs="ro quiet selinux=0"\n'),
  },
]);
