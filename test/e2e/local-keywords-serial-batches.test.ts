import test from 'ava';
import { counters, project, runLocal } from '../helpers/run-local.js';
import { exists, read, THREE_HOSTS } from '../helpers/local-hosts.js';

const FIVE = '[nodes]\nh[1:5] ansible_connection=local\n';

async function batchesOf(serial: string): Promise<string[]> {
  const dir = project({
    hosts: FIVE,
    'play.yml': `
- hosts: nodes
  gather_facts: no
  serial: ${serial}
  tasks:
    - shell: echo "{{ ansible_play_batch | join(',') }}" >> $DIR/batches
      run_once: true
    - shell: echo "{{ inventory_hostname }}" >> $DIR/order
`,
  });
  const run = await runLocal(dir);
  if (run.summary.failed) throw new Error(run.output);
  return read(dir, 'batches').trim().split('\n');
}

test('serial as a number, a percentage and a list (the last size repeats)', async (t) => {
  t.deepEqual(await batchesOf('2'), ['h1,h2', 'h3,h4', 'h5']);
  t.deepEqual(await batchesOf('"40%"'), ['h1,h2', 'h3,h4', 'h5']);
  t.deepEqual(await batchesOf('[1, "50%", 3]'), ['h1', 'h2,h3', 'h4,h5']);
  t.deepEqual(await batchesOf('[1, 2]'), ['h1', 'h2,h3', 'h4,h5']);
});

test('a batch finishes every task before the next batch starts', async (t) => {
  const dir = project({
    hosts: FIVE,
    'play.yml': `
- hosts: nodes
  gather_facts: no
  serial: 2
  tasks:
    - shell: echo "a {{ inventory_hostname }}" >> $DIR/log
    - shell: echo "b {{ inventory_hostname }}" >> $DIR/log
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  const log = read(dir, 'log').trim().split('\n');
  const sorted = (a: number, b: number) => log.slice(a, b).sort();
  t.deepEqual(sorted(0, 2), ['a h1', 'a h2']);
  t.deepEqual(sorted(2, 4), ['b h1', 'b h2']);
  t.deepEqual(sorted(4, 6), ['a h3', 'a h4']);
  t.deepEqual(sorted(6, 8), ['b h3', 'b h4']);
  t.deepEqual(log.slice(8), ['a h5', 'b h5']);
});

test('when every host of a batch fails, the later batches do not run', async (t) => {
  const dir = project({
    hosts: FIVE,
    'play.yml': `
- hosts: nodes
  gather_facts: no
  serial: 2
  tasks:
    - shell: echo "{{ inventory_hostname }}" >> $DIR/log
    - fail: msg=down
`,
  });
  const run = await runLocal(dir, 'play.yml', { rollback: false });
  t.true(run.summary.failed);
  t.deepEqual(read(dir, 'log').trim().split('\n').sort(), ['h1', 'h2']);
  t.is(counters(run, 'h3')?.ok ?? 0, 0);
});

test('host patterns: union, intersection, exclusion', async (t) => {
  const dir = project({
    hosts: THREE_HOSTS,
    'play.yml': ['web:db', 'web:&db', 'web:!db', 'all:!h2', "db,web"]
      .map(
        (pattern, i) => `
- name: play ${i}
  hosts: "${pattern}"
  gather_facts: no
  tasks:
    - shell: echo "{{ inventory_hostname }}" >> $DIR/play${i}
`,
      )
      .join(''),
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  const hostsOf = (i: number) => (exists(dir, `play${i}`) ? read(dir, `play${i}`).trim().split('\n').sort() : []);
  t.deepEqual(hostsOf(0), ['h1', 'h2', 'h3']);
  t.deepEqual(hostsOf(1), ['h2']);
  t.deepEqual(hostsOf(2), ['h1']);
  t.deepEqual(hostsOf(3), ['h1', 'h3']);
  t.deepEqual(hostsOf(4), ['h1', 'h2', 'h3']);
});

test('--limit narrows every play', async (t) => {
  const dir = project({
    hosts: THREE_HOSTS,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - shell: echo "{{ inventory_hostname }}" >> $DIR/log
`,
  });
  const run = await runLocal(dir, 'play.yml', { limit: 'web:!h1' });
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'log'), 'h2\n');
  t.deepEqual(Object.keys(run.summary.hosts), ['h2']);
});

test('any_errors_fatal stops every host of the play at the failing task', async (t) => {
  const dir = project({
    hosts: THREE_HOSTS,
    'play.yml': `
- hosts: all
  gather_facts: no
  any_errors_fatal: true
  tasks:
    - shell: echo "one {{ inventory_hostname }}" >> $DIR/log
    - fail: msg=boom
      when: inventory_hostname == 'h2'
    - shell: echo "two {{ inventory_hostname }}" >> $DIR/log
`,
  });
  const run = await runLocal(dir, 'play.yml', { rollback: false });
  t.true(run.summary.failed);
  t.deepEqual(read(dir, 'log').trim().split('\n').sort(), ['one h1', 'one h2', 'one h3']);
  t.is(counters(run, 'h2')?.failed, 1);
});

test('max_fail_percentage: at the limit the play goes on, above it the play stops', async (t) => {
  const play = (failing: string) =>
    project({
      hosts: FIVE,
      'play.yml': `
- hosts: nodes
  gather_facts: no
  max_fail_percentage: 20
  tasks:
    - fail: msg=boom
      when: inventory_hostname in ${failing}
    - shell: echo "{{ inventory_hostname }}" >> $DIR/log
`,
    });
  const atLimit = play("['h1']");
  const run1 = await runLocal(atLimit, 'play.yml', { rollback: false });
  t.deepEqual(read(atLimit, 'log').trim().split('\n').sort(), ['h2', 'h3', 'h4', 'h5'], run1.output);
  const over = play("['h1', 'h2']");
  const run2 = await runLocal(over, 'play.yml', { rollback: false });
  t.true(run2.summary.failed);
  t.false(exists(over, 'log'), run2.output);
});
