import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { sysctlFileEdit, sysctlModule, sysctlValue } from '../../../src/modules/sysctl.js';
import { answerFacts, describeSteps, planWith, present } from './core-modules-harness.js';

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

const planCases: Array<{ title: string; file: string; running: string; args: Record<string, unknown>; changed: boolean; runtimeSteps: string[]; runtimeUndo: string[] }> = [
  {
    title: 'file and kernel already right: no change',
    file: 'net.ipv4.ip_forward = 1\n', running: '1\n',
    args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_set: true },
    changed: false, runtimeSteps: [], runtimeUndo: [],
  },
  {
    title: 'file right, kernel differs, sysctl_set: sysctl -w, undo sets it back',
    file: 'net.ipv4.ip_forward = 1\n', running: '0\n',
    args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_set: true },
    changed: true, runtimeSteps: ["sysctl -w net.ipv4.ip_forward=1"], runtimeUndo: ["sysctl -w net.ipv4.ip_forward=0"],
  },
  {
    title: 'file changes, reload: sysctl -p the file',
    file: '', running: '0\n',
    args: { name: 'net.ipv4.ip_forward', value: '1' },
    changed: true, runtimeSteps: ['sysctl -p /etc/sysctl.conf'], runtimeUndo: ['sysctl -w net.ipv4.ip_forward=0'],
  },
  {
    title: 'file changes, reload false: the file only',
    file: '', running: '0\n',
    args: { name: 'net.ipv4.ip_forward', value: '1', reload: false },
    changed: true, runtimeSteps: [], runtimeUndo: [],
  },
];

for (const c of planCases) {
  test(`sysctl plan: ${c.title}`, async (t) => {
    const conn = answerFacts(new FakeConnection(), present(0, { content: c.file, withContent: true }));
    conn.answer(/^sysctl -n/, { stdout: c.running });
    const plan = await planWith(sysctlModule, conn, c.args);
    t.is(plan.changed, c.changed);
    t.deepEqual(describeSteps(plan.steps).filter((s) => s.startsWith('sysctl')), c.runtimeSteps);
    t.deepEqual(describeSteps(plan.undo).filter((s) => s.startsWith('sysctl')), c.runtimeUndo);
    t.false(conn.commands().some((cmd) => /sysctl -[wp]/.test(cmd)), 'planning only reads');
  });
}
