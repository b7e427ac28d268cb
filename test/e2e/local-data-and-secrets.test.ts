/**
 * Values from hosts stay data and secrets stay out of outputs and the run
 * journal, through the CLI on the local connection.
 */
import test from 'ava';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ezplay } from '../helpers/cli.js';
import { project, LOCAL_INVENTORY } from '../helpers/run-local.js';
import { exists, read } from '../helpers/local-hosts.js';

const SECRET = 'CONTROLLER-ONLY-CA-KEY-7f3a';

/** Every byte written under the project's run journals, as one string. */
function journalText(dir: string): string {
  const root = path.join(dir, '.ezplay', 'runs');
  let all = '';
  for (const run of readdirSync(root)) {
    for (const file of readdirSync(path.join(root, run))) all += readFileSync(path.join(root, run, file), 'latin1');
  }
  return all;
}

test('a host printing a template gets it back as text: loop items, includes, set_fact, vars and when never render it', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'secret.pem': `${SECRET}\n`,
    'inc.yml': '- copy: dest=$DIR/from-include content="{{ item }}"\n',
    'play.yml': `
- hosts: local
  gather_facts: false
  tasks:
    - name: a host prints template text
      shell: |
        echo "{{ '{{' }} lookup('file', '$DIR/secret.pem') {{ '}}' }}"
        echo "lookup('file', '$DIR/secret.pem')"
      register: out
      changed_when: false
    - name: loop item
      copy: dest=$DIR/item-{{ index }} content="{{ item }}"
      loop: "{{ out.stdout_lines }}"
      loop_control: { index_var: index }
    - include_tasks: inc.yml
      loop: "{{ out.stdout_lines[:1] }}"
    - set_fact:
        copied: "{{ out.stdout_lines[0] }}"
    - copy: dest=$DIR/from-set-fact content="{{ copied }}"
    - copy: dest=$DIR/from-vars content="{{ via_vars }}"
      vars:
        via_vars: "{{ out.stdout_lines[0] }}"
    - name: a condition that would read the file if host text were evaluated
      copy: dest=$DIR/when-ran content=yes
      when: "{{ out.stdout_lines[1] }} is search('^lookup')"
    - name: quoted form
      copy: dest=$DIR/when-quoted content=yes
      when: "'{{ out.stdout_lines[0] }}' is search('lookup')"
`,
  });
  const run = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
  t.is(run.code, 0, run.stdout + run.stderr);
  const template = `{{ lookup('file', '${dir}/secret.pem') }}`;
  t.is(read(dir, 'item-0'), template);
  t.is(read(dir, 'item-1'), `lookup('file', '${dir}/secret.pem')`);
  t.is(read(dir, 'from-include'), template);
  t.is(read(dir, 'from-set-fact'), template);
  t.is(read(dir, 'from-vars'), template);
  t.is(read(dir, 'when-ran'), 'yes', 'the host text was tested as a value, not evaluated (the file does not start with lookup)');
  t.is(read(dir, 'when-quoted'), 'yes');
  t.false(run.stdout.includes(SECRET), run.stdout);
  // warnings are wrapped at 79 columns, as Ansible wraps them
  t.regex(run.stdout + run.stderr, /conditional\s+statements\s+should\s+not\s+include\s+jinja2\s+templating\s+delimiters/);
});

const NO_LOG_LOOP = `
- hosts: local
  gather_facts: false
  tasks:
    - name: accounts
      command: "true"
      loop:
        - { user: alice, pw: "${SECRET}-alice" }
        - { user: bob, pw: "${SECRET}-bob" }
      no_log: true
    - name: labelled
      debug: msg="{{ item }}"
      loop: ["${SECRET}-label"]
      loop_control: { label: "{{ item }}" }
      no_log: true
    - name: skipped
      command: "true"
      loop: ["${SECRET}-skip"]
      when: item == 'other'
      no_log: true
`;

for (const flags of [[], ['-vvv'], ['--json'], ['--json', '-vvv']]) {
  test(`no_log hides loop items as (item=None) ${flags.join(' ') || 'in plain output'}`, async (t) => {
    const dir = project({ hosts: LOCAL_INVENTORY, 'play.yml': NO_LOG_LOOP });
    const run = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', ...flags]);
    t.is(run.code, 0, run.stdout + run.stderr);
    const all = run.stdout + run.stderr;
    t.false(all.includes(SECRET), all);
    if (flags.includes('--json')) {
      const items = all.trim().split('\n').map((l) => JSON.parse(l) as { type: string; item?: string }).filter((e) => e.type === 'host_result').map((e) => e.item);
      t.deepEqual(items, ['None', 'None', 'None', 'None']);
    } else {
      t.is(all.match(/\(item=None\)/g)?.length, 4, all);
    }
  });
}

test("a no_log task's rollback command is sealed in the journal and still runs at rollback", async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: false
  tasks:
    - name: set a password
      shell: echo set > $DIR/state
      args:
        rollback: echo "${SECRET}" > $DIR/undone
      no_log: true
`,
  });
  const run = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
  t.is(run.code, 0, run.stdout + run.stderr);
  t.false(journalText(dir).includes(SECRET));
  const runId = readdirSync(path.join(dir, '.ezplay', 'runs'))[0] as string;
  const key = statSync(path.join(dir, '.ezplay', 'runs', runId, 'secret.key'));
  t.is(key.mode & 0o777, 0o600);
  const undo = await ezplay(dir, ['rollback']);
  t.is(undo.code, 0, undo.stdout + undo.stderr);
  t.is(read(dir, 'undone'), `${SECRET}\n`);
  t.false((undo.stdout + undo.stderr).includes(SECRET));
});

test('fetch keeps the source mode, and the old local bytes it replaces are sealed in the journal, restored by rollback', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'remote/id_key': `NEW-${SECRET}\n`,
    'fetched/id_key': `OLD-${SECRET}\n`,
    'play.yml': `
- hosts: local
  gather_facts: false
  tasks:
    - fetch: src=$DIR/remote/id_key dest=$DIR/fetched/id_key flat=true
    - fetch: src=$DIR/remote/id_key dest=$DIR/new/ flat=true
`,
  });
  chmodSync(path.join(dir, 'remote/id_key'), 0o600);
  chmodSync(path.join(dir, 'fetched/id_key'), 0o644);
  const run = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
  t.is(run.code, 0, run.stdout + run.stderr);
  t.is(read(dir, 'fetched/id_key'), `NEW-${SECRET}\n`);
  t.is(statSync(path.join(dir, 'fetched/id_key')).mode & 0o777, 0o600);
  t.is(statSync(path.join(dir, 'new/id_key')).mode & 0o777, 0o600);
  const journal = journalText(dir);
  t.false(journal.includes(`OLD-${SECRET}`));
  t.false(journal.includes(Buffer.from(`OLD-${SECRET}\n`).toString('base64')));
  const undo = await ezplay(dir, ['rollback']);
  t.is(undo.code, 0, undo.stdout + undo.stderr);
  t.is(read(dir, 'fetched/id_key'), `OLD-${SECRET}\n`);
  t.false(exists(dir, 'new'));
});

test('a torn last journal line is skipped with a warning; rollback undoes the rest', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: false
  tasks:
    - copy: dest=$DIR/a content=a
    - copy: dest=$DIR/b content=b
`,
  });
  const run = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
  t.is(run.code, 0, run.stdout + run.stderr);
  const root = path.join(dir, '.ezplay', 'runs');
  const journal = path.join(root, readdirSync(root)[0] as string, 'journal.jsonl');
  writeFileSync(journal, `${readFileSync(journal, 'utf8')}{"seq":3,"host":"localhost","tar`);
  const undo = await ezplay(dir, ['rollback']);
  t.is(undo.code, 0, undo.stdout + undo.stderr);
  t.regex(undo.stdout + undo.stderr, /journal\.jsonl:\d+:\s+skipped\s+a\s+torn\s+line/);
  t.false(exists(dir, 'a'));
  t.false(exists(dir, 'b'));
  t.regex(readFileSync(journal, 'utf8'), /tar\n\{"undone":/, 'later lines start on a line of their own');
});
