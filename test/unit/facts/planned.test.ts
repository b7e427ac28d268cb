/**
 * Check mode that sees its own plan, task after task on one host: each
 * changed plan is recorded as the engine records it, and the next task's
 * facts answer from it. The host is a fake that knows nothing: no folder,
 * no unit, no account.
 */
import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { recordPlanned } from '../../../src/engine/check-overlay.js';
import { createHostContext } from '../../../src/engine/host-context.js';
import { PlannedState } from '../../../src/facts/planned.js';
import { validateArgs } from '../../../src/modules/args.js';
import { findModule } from '../../../src/modules/registry.js';
import type { Plan } from '../../../src/modules/types.js';

const NOT_FOUND_UNIT =
  '@@ezplay:begin:show\nId=etcd.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\nNeedDaemonReload=no\nMainPID=0\nLoadError=\n\n@@ezplay:end:0\n' +
  '@@ezplay:begin:is-enabled\n\n@@ezplay:end:1\n';

/** A bare host: every path asked about is missing below `ancestor`, systemd knows no unit, no account exists. */
function bareHost(ancestor: string): FakeConnection {
  return new FakeConnection('m1')
    .answer('systemctl', { stdout: NOT_FOUND_UNIT })
    .answer('getent', { stdout: '', rc: 2 })
    .answer((c) => c.includes('"${TMPDIR:-}"'), { stdout: 'directory\n/tmp\n' })
    .answer((c) => c.includes('echo @@ 0'), {
      stdout: Array.from({ length: 4 }, (_, i) => `@@ ${i}\nabsent\nancestor:${ancestor}`).join('\n') + '\n',
    });
}

/** Plans each task in turn as the engine does in check mode; returns the plans. */
async function checkRun(tasks: Array<[string, Record<string, unknown> | ((earlier: Plan[]) => Record<string, unknown>)]>, ancestor = '/'): Promise<Plan[]> {
  const states = new Map<string, PlannedState>();
  const plans: Plan[] = [];
  for (const [name, args] of tasks) {
    const given = typeof args === 'function' ? args(plans) : args;
    const module = findModule(name)!;
    const planned = states.get('m1') ?? new PlannedState();
    states.set('m1', planned);
    const ctx = createHostContext({ host: 'm1', conn: bareHost(ancestor), vars: {}, runId: 'r1', playbookDir: '/tmp', planned, render: (t) => t });
    const plan = await module.plan(ctx, validateArgs(name, module.args, given));
    if (plan.changed) recordPlanned(states, 'm1', plan);
    plans.push(plan);
  }
  return plans;
}

const changes = (plans: Plan[]) => plans.map((p) => p.changed);

test('mkdir, then a copy into it, then the same copy again', async (t) => {
  const plans = await checkRun([
    ['file', { path: '/opt/etcd/bin', state: 'directory', mode: '0755' }],
    ['copy', { dest: '/opt/etcd/bin/.release', content: 'v1\n', mode: '0644' }],
    ['copy', { dest: '/opt/etcd/bin/.release', content: 'v1\n', mode: '0644' }],
    ['stat', { path: '/opt/etcd/bin/.release' }],
  ]);
  t.deepEqual(changes(plans), [true, true, false, false]);
  t.like(plans[3]?.result?.stat, { exists: true, isreg: true, mode: '0644' });
});

test('tempfile, then a copy into the folder it would make, then the same copy again', async (t) => {
  const into = (earlier: Plan[]) => ({ dest: `${String(earlier[0]?.result?.path)}/x.conf`, content: 'x\n' });
  const plans = await checkRun([['tempfile', { state: 'directory', suffix: '.test' }], ['copy', into], ['copy', into]]);
  t.regex(String(plans[0]?.result?.path), /^\/tmp\/ansible\.[a-z0-9_]{8}\.test$/);
  t.deepEqual(changes(plans), [true, true, false]);
});

test('a copy into a folder no task makes still fails', async (t) => {
  await t.throwsAsync(checkRun([['copy', { dest: '/opt/etcd/bin/.release', content: 'v1\n' }]]), { message: /does not exist|no such|parent/i });
});

test('a unit file, then enabling and starting it', async (t) => {
  const plans = await checkRun([
    ['copy', { dest: '/etc/systemd/system/etcd.service', content: '[Service]\nExecStart=/usr/local/bin/etcd\n[Install]\nWantedBy=multi-user.target\n' }],
    ['systemd', { name: 'etcd', enabled: true }],
    ['systemd', { name: 'etcd', state: 'started' }],
    ['systemd', { name: 'etcd', enabled: true, state: 'started' }],
  ], '/etc/systemd/system');
  t.deepEqual(changes(plans), [true, true, true, false]);
});

test('without the unit file, enabling fails as on a real run', async (t) => {
  await t.throwsAsync(checkRun([['systemd', { name: 'etcd', enabled: true }]]), { message: /Could not find the requested service etcd/ });
});

test('a group, then a user whose primary group it is', async (t) => {
  const plans = await checkRun([
    ['group', { name: 'etcd', system: true }],
    ['user', { name: 'etcd', group: 'etcd', system: true, create_home: false, home: '/var/lib/etcd' }],
    ['group', { name: 'etcd', system: true }],
  ]);
  t.deepEqual(changes(plans), [true, true, false]);
});
