import test, { type ExecutionContext } from 'ava';
import type { FakeConnection } from '../../../src/connection/fake.js';
import type { Plan } from '../../../src/modules/types.js';
import { describeSteps, moduleTable, type HostAnswers } from '../../helpers/module-table.js';
import { sysctlFileEdit, sysctlModule, sysctlValue } from '../../../src/modules/sysctl.js';
import { pathsProbe, present } from './core-modules-harness.js';

const cases: Array<[string, string, string, string | undefined, string]> = [
  ['added at the end', '# kernel\nvm.swappiness = 10\n', 'net.ipv4.ip_forward', '1', '# kernel\nvm.swappiness = 10\nnet.ipv4.ip_forward = 1\n'],
  ['added after a last line without newline', 'a = 1', 'b', '2', 'a = 1\nb = 2\n'],
  ['replaced in place', 'net.ipv4.ip_forward=0\nvm.x = 1\n', 'net.ipv4.ip_forward', '1', 'net.ipv4.ip_forward = 1\nvm.x = 1\n'],
  ['the same value spelled differently is kept', 'net.ipv4.tcp_rmem=4096\t87380  6291456\n', 'net.ipv4.tcp_rmem', '4096 87380 6291456', 'net.ipv4.tcp_rmem=4096\t87380  6291456\n'],
  ['slashes name the same key', 'net/ipv4/ip_forward = 1\n', 'net.ipv4.ip_forward', '1', 'net/ipv4/ip_forward = 1\n'],
  ['duplicates: the last is kept, earlier ones go', 'k = 1\nother = 2\nk = 3\n', 'k', '3', 'other = 2\nk = 3\n'],
  ['comments are left alone', '# k = 1\n; k = 2\n', 'k', '5', '# k = 1\n; k = 2\nk = 5\n'],
  ['absent removes every line of the key', 'k = 1\nj = 2\nk=9\n', 'k', undefined, 'j = 2\n'],
  ['absent and missing: no change', 'j = 2\n', 'k', undefined, 'j = 2\n'],
  ['an empty file', '', 'k', '1', 'k = 1\n'],
];

for (const [title, text, name, value, expected] of cases) {
  test(`sysctl file: ${title}`, (t) => {
    const r = sysctlFileEdit(text, name, value);
    t.is(r.text, expected);
    t.is(r.changed, text !== expected);
  });
}

test('sysctl values compare by words', (t) => {
  t.is(sysctlValue(' 4096\t87380   6291456\n'), '4096 87380 6291456');
});

/** The host: /etc/sysctl.conf and the kernel's running value. */
const host = (file: string, running: string): HostAnswers => [pathsProbe(present(0, { content: file, withContent: true })), [/^sysctl -n/, running]];

/** The steps and undo that touch the kernel (the file's own steps are copy's business), and planning only read. */
const runtime = (steps: string[], undo: string[]) => (t: ExecutionContext, plan: Plan, conn: FakeConnection) => {
  t.deepEqual(describeSteps(plan.steps).filter((s) => s.startsWith('sysctl')), steps);
  t.deepEqual(describeSteps(plan.undo).filter((s) => s.startsWith('sysctl')), undo);
  t.false(conn.commands().some((cmd) => /sysctl -[wp]/.test(cmd)), 'planning only reads');
};

moduleTable([
  {
    name: 'file and kernel already right: no change',
    module: sysctlModule,
    args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_set: true },
    facts: host('net.ipv4.ip_forward = 1\n', '1\n'),
    expect: { changed: false, also: runtime([], []) },
  },
  {
    name: 'file right, kernel differs, sysctl_set: sysctl -w, undo sets it back',
    module: sysctlModule,
    args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_set: true },
    facts: host('net.ipv4.ip_forward = 1\n', '0\n'),
    expect: { changed: true, also: runtime(['sysctl -w net.ipv4.ip_forward=1'], ['sysctl -w net.ipv4.ip_forward=0']) },
    after: host('net.ipv4.ip_forward = 1\n', '1\n'),
  },
  {
    name: 'file changes, reload: sysctl -p the file',
    module: sysctlModule,
    args: { name: 'net.ipv4.ip_forward', value: '1' },
    facts: host('', '0\n'),
    expect: { changed: true, also: runtime(['sysctl -p /etc/sysctl.conf'], ['sysctl -w net.ipv4.ip_forward=0']) },
    after: host('net.ipv4.ip_forward = 1\n', '1\n'),
  },
  {
    name: 'file changes, reload false: the file only',
    module: sysctlModule,
    args: { name: 'net.ipv4.ip_forward', value: '1', reload: false },
    facts: host('', '0\n'),
    expect: { changed: true, also: runtime([], []) },
    after: host('net.ipv4.ip_forward = 1\n', '0\n'),
  },
]);
