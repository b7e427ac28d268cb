/**
 * Keywords Ansible 2.14 has no conformance capture for (meta: end_role came
 * later) or that are command-line flags: run on the local connection.
 */
import test from 'ava';
import { ezplay } from '../helpers/cli.js';
import { counters, LOCAL_INVENTORY, project, runLocal } from '../helpers/run-local.js';
import { read } from '../helpers/local-hosts.js';

test('meta: end_role ends the rest of the role for the hosts whose when holds; the play goes on', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: localhost
  gather_facts: false
  roles:
    - short
  tasks:
    - shell: echo "after the role" >> $DIR/log
`,
    'roles/short/tasks/main.yml': `
- shell: echo "first" >> $DIR/log
- meta: end_role
  when: false
- shell: echo "kept" >> $DIR/log
- meta: end_role
  when: true
- shell: echo "never" >> $DIR/log
`,
  });
  const run = await runLocal(dir);
  t.is(read(dir, 'log'), 'first\nkept\nafter the role\n');
  t.like(counters(run), { failed: 0 });
});

test('--force-handlers runs a handler notified before the host failed; without it the handler does not run', async (t) => {
  const files = {
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: localhost
  gather_facts: false
  tasks:
    - shell: echo "notified" >> $DIR/log
      notify: restart
    - fail: msg="the host fails"
  handlers:
    - name: restart
      shell: echo "handler ran" >> $DIR/log
`,
  };
  const forced = project(files);
  const withFlag = await ezplay(forced, ['run', '-i', 'hosts', '--no-rollback', '--force-handlers', 'play.yml']);
  t.is(withFlag.code, 2, withFlag.stderr);
  t.is(read(forced, 'log'), 'notified\nhandler ran\n');
  const plain = project(files);
  const without = await ezplay(plain, ['run', '-i', 'hosts', '--no-rollback', 'play.yml']);
  t.is(without.code, 2, without.stderr);
  t.is(read(plain, 'log'), 'notified\n');
});

test('include_role finds a role in --roles-path, and its meta dependency runs once for two includes', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'site/play.yml': `
- hosts: localhost
  gather_facts: false
  tasks:
    - include_role:
        name: app
    - include_role:
        name: app
`,
    'elsewhere/app/tasks/main.yml': `
- shell: echo "app" >> $DIR/log
`,
    'elsewhere/app/meta/main.yml': `
dependencies:
  - base
`,
    'elsewhere/base/tasks/main.yml': `
- shell: echo "base" >> $DIR/log
`,
  });
  const run = await ezplay(dir, ['run', '-i', 'hosts', '--roles-path', 'elsewhere', 'site/play.yml']);
  t.is(run.code, 0, run.stdout + run.stderr);
  t.is(read(dir, 'log'), 'base\napp\napp\n');
});

test('--roles-path takes folders joined by a colon, as Ansible does', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: localhost
  gather_facts: false
  roles:
    - app
`,
    'first/app/tasks/main.yml': `
- shell: echo "app" >> $DIR/log
`,
    'first/app/meta/main.yml': `
dependencies:
  - base
`,
    'second/base/tasks/main.yml': `
- shell: echo "base" >> $DIR/log
`,
  });
  const run = await ezplay(dir, ['run', '-i', 'hosts', '--roles-path', 'first:second', 'play.yml']);
  t.is(run.code, 0, run.stdout + run.stderr);
  t.is(read(dir, 'log'), 'base\napp\n');
});
