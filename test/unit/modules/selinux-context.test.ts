import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { parseSelinuxContext } from '../../../src/facts/selinux-context.js';
import { wantedContext, withSelinuxContext } from '../../../src/modules/kit/selinux.js';
import type { Plan } from '../../../src/modules/types.js';
import { describeSteps, fakeContext } from '../../helpers/module-table.js';

test('SELinux context facts: enabled with a context, enabled for a missing path, disabled', (t) => {
  t.deepEqual(parseSelinuxContext('enabled\nsystem_u:object_r:etc_t:s0\n'), { enabled: true, context: 'system_u:object_r:etc_t:s0' });
  t.deepEqual(parseSelinuxContext('enabled\n'), { enabled: true, context: undefined });
  t.deepEqual(parseSelinuxContext('disabled\n'), { enabled: false, context: undefined });
});

test('the wanted context keeps the parts not given, and a level with colons', (t) => {
  t.is(wantedContext('system_u:object_r:admin_home_t:s0', { setype: 'etc_t' }), 'system_u:object_r:etc_t:s0');
  t.is(wantedContext('unconfined_u:object_r:user_home_t:s0:c1,c2', { seuser: 'system_u' }), 'system_u:object_r:user_home_t:s0:c1,c2');
});

// a template's plan writing /etc/kubernetes/kubelet.env over an existing file
const WRITE: Plan = { changed: true, steps: [{ kind: 'put', dest: '/etc/kubernetes/kubelet.env', content: { text: 'x' }, description: 'write' }], undo: [], writes: ['/etc/kubernetes/kubelet.env'] };
const PATH = '/etc/kubernetes/kubelet.env';

const cases: Array<{ title: string; host: string; plan: Plan; steps: string[]; undo: string[]; changed: boolean }> = [
  { title: 'without SELinux setype is ignored, as Ansible ignores it', host: 'disabled\n', plan: { changed: false }, steps: [], undo: [], changed: false },
  { title: 'the context is already as asked', host: 'enabled\nsystem_u:object_r:etc_t:s0\n', plan: { changed: false }, steps: [], undo: [], changed: false },
  {
    title: 'a wrong type: chcon after the write, undo sets the old context back first',
    host: 'enabled\nsystem_u:object_r:admin_home_t:s0\n',
    plan: WRITE,
    steps: [`put ${PATH}`, `chcon -t etc_t -- ${PATH}`],
    undo: [`chcon system_u:object_r:admin_home_t:s0 -- ${PATH}`],
    changed: true,
  },
  { title: 'a new file gets the type; its removal is the undo', host: 'enabled\n', plan: WRITE, steps: [`put ${PATH}`, `chcon -t etc_t -- ${PATH}`], undo: [], changed: true },
];

for (const c of cases) {
  test(`setype: ${c.title}`, async (t) => {
    const conn = new FakeConnection().answer('selinuxenabled', { stdout: c.host });
    const plan = await withSelinuxContext(fakeContext(conn), PATH, { setype: 'etc_t' }, c.plan);
    t.is(plan.changed, c.changed);
    t.deepEqual(describeSteps(plan.steps), c.steps);
    t.deepEqual(describeSteps(plan.undo), c.undo);
    t.false(conn.commands().some((cmd) => cmd.startsWith('chcon')), 'planning only reads');
  });
}

test('setype: no SELinux argument, no read', async (t) => {
  const conn = new FakeConnection();
  t.is(await withSelinuxContext(fakeContext(conn), PATH, {}, WRITE), WRITE);
  t.is(conn.commands().length, 0);
});
