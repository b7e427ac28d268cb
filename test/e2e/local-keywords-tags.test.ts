import test from 'ava';
import { counters, project, runLocal } from '../helpers/run-local.js';
import { read } from '../helpers/local-hosts.js';

function tagged() {
  return project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tags: [play]
  roles:
    - { role: certs, tags: [pki] }
  tasks:
    - shell: echo plain >> $DIR/log
    - shell: echo config >> $DIR/log
      tags: config
    - shell: echo config-and-service >> $DIR/log
      tags: [config, service]
    - shell: echo always >> $DIR/log
      tags: always
    - shell: echo never >> $DIR/log
      tags: never
    - shell: echo never-debug >> $DIR/log
      tags: [never, debug]
    - import_tasks: imported.yml
      tags: imported
    - block:
        - shell: echo in-block >> $DIR/log
      tags: blocktag
- hosts: all
  gather_facts: no
  tasks:
    - shell: echo second-play >> $DIR/log
`,
    'imported.yml': '- shell: echo imported >> $DIR/log\n',
    'roles/certs/tasks/main.yml': '- shell: echo role >> $DIR/log\n',
  });
}

async function logOf(options: { tags?: string[]; skipTags?: string[] }): Promise<string[]> {
  const dir = tagged();
  const run = await runLocal(dir, 'play.yml', options);
  if (counters(run, 'h1')?.failed) throw new Error(run.output);
  try {
    return read(dir, 'log').trim().split('\n');
  } catch {
    return [];
  }
}

test('without tag options, every task but never-tagged ones runs', async (t) => {
  t.deepEqual(await logOf({}), ['role', 'plain', 'config', 'config-and-service', 'always', 'imported', 'in-block', 'second-play']);
});

test('--tags runs the matching tasks and always-tagged ones; never-tagged ones only when named', async (t) => {
  t.deepEqual(await logOf({ tags: ['config'] }), ['config', 'config-and-service', 'always']);
  t.deepEqual(await logOf({ tags: ['debug'] }), ['always', 'never-debug']);
  t.deepEqual(await logOf({ tags: ['pki', 'imported', 'blocktag'] }), ['role', 'always', 'imported', 'in-block']);
  // a play's tags reach every task in it, never-tagged ones too, as in Ansible (any selected tag wins over never)
  t.deepEqual(await logOf({ tags: ['play'] }), ['role', 'plain', 'config', 'config-and-service', 'always', 'never', 'never-debug', 'imported', 'in-block']);
});

test('--skip-tags skips the matching tasks, always ones too when named', async (t) => {
  t.deepEqual(await logOf({ skipTags: ['config', 'pki'] }), ['plain', 'always', 'imported', 'in-block', 'second-play']);
  t.deepEqual(await logOf({ skipTags: ['always'] }), ['role', 'plain', 'config', 'config-and-service', 'imported', 'in-block', 'second-play']);
  t.deepEqual(await logOf({ tags: ['config'], skipTags: ['service'] }), ['config', 'always']);
});

test('tagged and untagged', async (t) => {
  t.deepEqual(await logOf({ tags: ['untagged'] }), ['always', 'second-play']);
});
