import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { parseCrontab } from '../../../src/facts/crontab.js';
import { editCrontab, type CronJob } from '../../../src/modules/cron-edit.js';
import { cronModule } from '../../../src/modules/cron.js';
import { dropBackupsStep, moveAsideStep, restoreStep } from '../../../src/modules/kit/backup.js';
import { absent, answerFacts, describeSteps, planWith, present, RUN } from './core-modules-harness.js';

const JOB: CronJob = { name: 'backup', job: '/usr/local/bin/backup', state: 'present', minute: '0', hour: '3', day: '*', month: '*', weekday: '*', disabled: false, env: false };

const edits: Array<[string, string, Partial<CronJob>, string | undefined, string]> = [
  ['adds a job under its marker', '', {}, undefined, '#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n'],
  ['keeps other lines and appends', 'MAILTO=ops\n# mine\n*/5 * * * * true\n', {}, undefined, 'MAILTO=ops\n# mine\n*/5 * * * * true\n#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n'],
  ['replaces the job line of a marker', '#Ansible: backup\n0 1 * * * old\nx\n', {}, undefined, '#Ansible: backup\n0 3 * * * /usr/local/bin/backup\nx\n'],
  ['the same job: unchanged', '#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n', {}, undefined, '#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n'],
  ['a cron.d file has the user field', '', {}, 'etcd', '#Ansible: backup\n0 3 * * * etcd /usr/local/bin/backup\n'],
  ['special_time', '', { special_time: 'daily' }, undefined, '#Ansible: backup\n@daily /usr/local/bin/backup\n'],
  ['disabled is commented out', '', { disabled: true }, undefined, '#Ansible: backup\n#0 3 * * * /usr/local/bin/backup\n'],
  ['absent removes the marker and its job', 'a\n#Ansible: backup\n0 3 * * * x\nb\n', { state: 'absent' }, undefined, 'a\nb\n'],
  ['absent and missing: unchanged', 'a\n', { state: 'absent' }, undefined, 'a\n'],
  ['a duplicate job goes', '#Ansible: backup\n1 * * * * a\n#Ansible: backup\n2 * * * * b\n', {}, undefined, '#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n'],
  ['env: added at the top', '#Ansible: x\n* * * * * y\n', { env: true, name: 'PATH', job: '/usr/bin:/bin' }, undefined, 'PATH=/usr/bin:/bin\n#Ansible: x\n* * * * * y\n'],
  ['env: replaced in place', 'A=1\nPATH=/bin\n', { env: true, name: 'PATH', job: '/usr/bin' }, undefined, 'A=1\nPATH=/usr/bin\n'],
  ['env: absent', 'A=1\nPATH=/bin\n', { env: true, name: 'PATH', state: 'absent' }, undefined, 'A=1\n'],
  ['a last line without newline', '*/5 * * * * true', {}, undefined, '*/5 * * * * true\n#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n'],
];

for (const [title, before, change, user, after] of edits) {
  test(`cron edit: ${title}`, (t) => {
    const r = editCrontab(before, { ...JOB, ...change }, user);
    t.is(r.text, after);
    t.is(r.changed, before !== after);
  });
}

test('crontab fact: present, absent, no crontab command', (t) => {
  t.deepEqual(parseCrontab('@@present\n#Ansible: a\n* * * * * b\n'), { exists: true, text: '#Ansible: a\n* * * * * b\n' });
  t.deepEqual(parseCrontab('@@present\n\n'), { exists: true, text: '' });
  t.deepEqual(parseCrontab('@@absent\n'), { exists: false, text: '' });
  t.throws(() => parseCrontab('@@no-crontab\n'), { message: /no crontab command/ });
});

const userCases: Array<{ title: string; args: Record<string, unknown>; crontab: string; steps?: string[]; stdin?: string; undo?: string[]; undoStdin?: string; error?: RegExp }> = [
  {
    title: 'a new crontab: written through stdin; undo removes it',
    args: { name: 'backup', job: '/usr/local/bin/backup', minute: '0', hour: '3', user: 'etcd' }, crontab: '@@absent\n',
    steps: ['crontab -u etcd -'], stdin: '#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n', undo: ['crontab -u etcd -r'],
  },
  {
    title: "an existing crontab of the task's own user: undo writes the old text back",
    args: { name: 'backup', job: '/usr/local/bin/backup' }, crontab: '@@present\nMAILTO=ops\n',
    steps: ['crontab -'], stdin: 'MAILTO=ops\n#Ansible: backup\n* * * * * /usr/local/bin/backup\n', undo: ['crontab -'], undoStdin: 'MAILTO=ops\n',
  },
  { title: 'the job as wanted: no change', args: { name: 'backup', job: 'x' }, crontab: '@@present\n#Ansible: backup\n* * * * * x\n' },
  { title: 'job is required with state=present', args: { name: 'backup' }, crontab: '@@absent\n', error: /job is required/ },
  { title: 'a time field with a space is refused', args: { name: 'b', job: 'x', minute: '1 2' }, crontab: '@@absent\n', error: /not a time field/ },
  { title: 'no crontab command on the host', args: { name: 'b', job: 'x' }, crontab: '@@no-crontab\n', error: /install cron/ },
];

for (const c of userCases) {
  test(`cron user crontab: ${c.title}`, async (t) => {
    const conn = new FakeConnection().answer(/crontab( -u \S+)? -l/, { stdout: c.crontab });
    if (c.error) return void (await t.throwsAsync(planWith(cronModule, conn, c.args), { message: c.error }));
    const plan = await planWith(cronModule, conn, c.args);
    t.is(plan.changed, c.steps !== undefined);
    t.deepEqual(describeSteps(plan.steps), c.steps ?? []);
    t.deepEqual(describeSteps(plan.undo), c.undo ?? []);
    const [step] = plan.steps ?? [];
    if (c.stdin) t.is(step?.kind === 'exec' ? step.stdin : undefined, c.stdin);
    const [back] = plan.undo ?? [];
    if (c.undoStdin) t.is(back?.kind === 'exec' ? back.stdin : undefined, c.undoStdin);
    t.false(conn.commands().some((cmd) => /crontab( -u \S+)? -[r ]?$/.test(cmd)), 'planning only reads');
  });
}

test('cron_file: a new file in /etc/cron.d, with the user field; undo removes it', async (t) => {
  const conn = answerFacts(new FakeConnection(), absent(0, '/etc/cron.d'));
  const plan = await planWith(cronModule, conn, { name: 'defrag', job: 'etcdctl defrag', cron_file: 'etcd-defrag', user: 'etcd', special_time: 'weekly' });
  t.true(plan.changed);
  const put = plan.steps?.find((s) => s.kind === 'put');
  t.is(put?.kind === 'put' ? put.dest : '', '/etc/cron.d/etcd-defrag');
  t.is(put?.kind === 'put' && 'text' in put.content ? put.content.text : '', '#Ansible: defrag\n@weekly etcd etcdctl defrag\n');
  t.true(describeSteps(plan.undo).some((s) => s.includes('rm') && s.includes('/etc/cron.d/etcd-defrag')), describeSteps(plan.undo).join('\n'));
});

test('cron_file: removing its last job removes the file; undo puts it back', async (t) => {
  const CRON_FILE = '/etc/cron.d/etcd-defrag';
  const text = '#Ansible: defrag\n@weekly etcd etcdctl defrag\n';
  const conn = answerFacts(new FakeConnection(), present(0, { content: text, withContent: true }));
  const plan = await planWith(cronModule, conn, { name: 'defrag', state: 'absent', cron_file: '/etc/cron.d/etcd-defrag' });
  t.true(plan.changed);
  t.deepEqual(plan.diff, [{ subject: '/etc/cron.d/etcd-defrag', before: text, after: '', kind: 'content' }]);
  // removed by moving it into the run's backups; the undo moves it back, the prune deletes the backup
  t.deepEqual(describeSteps(plan.steps), describeSteps([moveAsideStep(RUN, [CRON_FILE])]));
  t.deepEqual(describeSteps(plan.undo), describeSteps([restoreStep(RUN, [CRON_FILE])]));
  t.deepEqual(describeSteps(plan.cleanup), describeSteps([dropBackupsStep(RUN, [CRON_FILE])]));
});

test('cron_file: the job already there: no change', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: '#Ansible: defrag\n@weekly etcd etcdctl defrag\n', withContent: true }));
  const plan = await planWith(cronModule, conn, { name: 'defrag', job: 'etcdctl defrag', cron_file: 'etcd-defrag', user: 'etcd', special_time: 'weekly' });
  t.false(plan.changed);
});
