/**
 * Progress of long waits through the real engine, on the local connection:
 * a looped include (the shape of the etcd role's rolling restart), an
 * until/retries task, and an upload of a large controller file.
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunEvent } from '../../src/engine/events.js';
import { project, runLocal } from '../helpers/run-local.js';

type Progress = Extract<RunEvent, { type: 'progress' }>;
const progressOf = (events: RunEvent[]) => events.filter((e): e is Progress => e.type === 'progress');

test('a looped include says which round runs; until says which attempt failed; both end', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'round.yml': `
- name: restart one member
  command: sleep 0.3
`,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - name: restart members one at a time
      include_tasks: round.yml
      loop: [m1, m2, m3]
      loop_control:
        loop_var: member
    - name: wait for the marker
      shell: n=$(cat $DIR/count 2>/dev/null || echo 0); echo $((n + 1)) > $DIR/count; echo $((n + 1))
      register: counted
      until: counted.stdout | int >= 3
      retries: 4
      delay: 0
`,
  });
  const run = await runLocal(dir, 'play.yml');
  t.false(run.summary.failed);
  const rounds = progressOf(run.events).filter((e) => e.key === 'include:restart members one at a time');
  t.deepEqual(
    rounds.map((e) => [e.text, e.done, e.total, e.end ?? false]),
    [
      ['restart members one at a time: 1/3 (m1)', 1, 3, false],
      ['restart members one at a time: 2/3 (m2)', 2, 3, false],
      ['restart members one at a time: 3/3 (m3)', 3, 3, false],
      ['', undefined, undefined, true],
    ],
  );
  t.true(rounds[2]!.elapsedMs >= 500, 'elapsed time counts from the first round');
  const attempts = progressOf(run.events).filter((e) => e.task === 'wait for the marker');
  t.is(attempts[0]?.text, 'until: attempt 1/5 not met yet, next in 0 s');
  t.is(attempts[0]?.host, 'h1');
  t.true(attempts.at(-1)?.end);
  // the plain reporter shows none of these quick waits
  t.false(run.output.includes('...'));
});

test('an upload of a large controller file shows its size while it goes, then ends', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - name: big file
      copy:
        src: $DIR/big.bin
        dest: $DIR/big-copy.bin
`,
  });
  writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(3 << 20, 7));
  const run = await runLocal(dir, 'play.yml');
  t.false(run.summary.failed);
  const upload = progressOf(run.events).filter((e) => e.task === 'big file');
  t.like(upload[0], { host: 'h1', text: 'uploading big-copy.bin to h1', total: 3 << 20, unit: 'bytes' });
  t.true(upload.at(-1)?.end);
});
