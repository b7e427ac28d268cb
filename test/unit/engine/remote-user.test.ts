import test from 'ava';
import path from 'node:path';
import { specFor } from '../../../src/engine/runtime.js';
import { loadPlaybook } from '../../../src/load/playbook.js';
import type { TaskNode } from '../../../src/load/model.js';
import { project } from '../../helpers/run-local.js';

test('remote_user logs in where the host names no user; ansible_user wins over it, as in Ansible', (t) => {
  t.is(specFor('h1', { ansible_host: '10.0.0.1' }, false, 'ops').user, 'ops');
  t.is(specFor('h1', { ansible_host: '10.0.0.1', ansible_user: 'admin' }, false, 'ops').user, 'admin');
  t.is(specFor('h1', { ansible_host: '10.0.0.1' }).user, undefined);
});

test('remote_user is a play, block and task keyword, inherited downwards and overridden by the innermost', (t) => {
  const dir = project({
    'play.yml': `
- hosts: all
  remote_user: ops
  tasks:
    - debug: msg=play
    - block:
        - debug: msg=block
      remote_user: deploy
    - debug: msg=task
      remote_user: "{{ who }}"
`,
  });
  const play = loadPlaybook(path.join(dir, 'play.yml')).plays[0]!;
  const tasks = (play.sections.flat(3) as Array<TaskNode | { kind: string; block?: TaskNode[] }>).flatMap((n) =>
    n.kind === 'task' ? [n as TaskNode] : ((n as { block?: TaskNode[] }).block ?? []),
  );
  t.deepEqual(tasks.map((n) => n.remoteUser), ['ops', 'deploy', '{{ who }}']);
});
