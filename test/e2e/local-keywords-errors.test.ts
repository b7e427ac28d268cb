import test from 'ava';
import { chmodSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { counters, project, runLocal, treeHash } from '../helpers/run-local.js';
import { read, results } from '../helpers/local-hosts.js';

const HOST = 'h1 ansible_connection=local\n';

test('a failure after many kinds of change leaves the folder byte for byte as before the run', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - file: path=$DIR/tree/a/b state=directory mode=0750
    - copy: dest=$DIR/tree/a/b/new.conf content="new\\n" mode=0600
    - copy: dest=$DIR/existing.conf content="overwritten\\n"
    - template: src=t.j2 dest=$DIR/rendered.conf
    - lineinfile: path=$DIR/lines.txt line="added line"
    - lineinfile: path=$DIR/lines.txt regexp="^remove" state=absent
    - blockinfile:
        path: $DIR/lines.txt
        block: |
          managed 1
          managed 2
    - file: path=$DIR/gone.txt state=absent
    - file: path=$DIR/olddir state=absent
    - file: path=$DIR/modes.txt mode=0600
    - file: path=$DIR/link src=$DIR/existing.conf state=link force=yes
    - shell: echo "{{ undefined_variable }}"
`,
    'templates/t.j2': 'host={{ inventory_hostname }}\n',
    'existing.conf': 'original\n',
    'rendered.conf': 'old rendering\n',
    'lines.txt': 'first\nremove me\nlast\n',
    'gone.txt': 'deleted then restored\n',
    'olddir/inner/file': 'nested\n',
    'modes.txt': 'mode\n',
  });
  chmodSync(path.join(dir, 'modes.txt'), 0o644);
  symlinkSync(path.join(dir, 'gone.txt'), path.join(dir, 'link'));
  const before = treeHash(dir);
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  t.is(counters(run, 'h1')?.changed, 11, run.output);
  t.regex(results(run.events).at(-1)?.msg ?? '', /undefined_variable/);
  t.is(treeHash(dir), before, run.output);
  t.is(read(dir, 'lines.txt'), 'first\nremove me\nlast\n');
  t.is(run.summary.rollback?.undone, 11);
});

test('an unknown module argument on the second task is refused before anything runs', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - copy: dest=$DIR/first content=x
    - copy: dest=$DIR/second content=x mdoe=0644
`,
  });
  const before = treeHash(dir);
  const error = await t.throwsAsync(runLocal(dir));
  t.regex(error?.message ?? '', /unsupported argument 'mdoe'.*did you mean 'mode'/);
  t.is(treeHash(dir), before);
});

test('an undefined variable on the second task fails it and rolls the first one back', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - copy: dest=$DIR/first content=x
    - copy: dest=$DIR/second content="{{ nope }}"
`,
  });
  const before = treeHash(dir);
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  t.regex(results(run.events).at(-1)?.msg ?? '', /'nope' is undefined/);
  t.regex(results(run.events).at(-1)?.msg ?? '', /play\.yml:6/);
  t.is(treeHash(dir), before);
});

test('unknown modules and keywords are load errors with the file and line', async (t) => {
  const dir = project({
    hosts: HOST,
    'module.yml': `
- hosts: all
  tasks:
    - name: fine
      debug: msg=x
    - copyy: dest=/tmp/x content=y
`,
    'keyword.yml': `
- hosts: all
  tasks:
    - debug: msg=x
      whne: true
`,
    'play-keyword.yml': `
- hosts: all
  taks: []
`,
  });
  const module = await t.throwsAsync(runLocal(dir, 'module.yml'));
  t.regex(module?.message ?? '', /copyy/);
  t.like((module as { pos?: { line?: number } }).pos, { line: 6 });
  t.regex(String((module as { describe?: () => string }).describe?.()), /module\.yml:6/);
  const keyword = await t.throwsAsync(runLocal(dir, 'keyword.yml'));
  t.regex(keyword?.message ?? '', /'whne'.*did you mean 'when'/);
  t.like((keyword as { pos?: { line?: number } }).pos, { line: 5 });
  const play = await t.throwsAsync(runLocal(dir, 'play-keyword.yml'));
  t.regex(play?.message ?? '', /'taks' is not a valid attribute for a play \(did you mean/);
});

test('an unreachable host is counted as unreachable while the others go on', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\nfar ansible_host=127.0.0.1 ansible_port=1\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - shell: echo "{{ inventory_hostname }}" >> $DIR/log
    - shell: echo "again {{ inventory_hostname }}" >> $DIR/log
`,
  });
  const run = await runLocal(dir, 'play.yml', { rollback: false });
  t.true(run.summary.unreachable);
  t.false(run.summary.failed);
  t.like(counters(run, 'far'), { unreachable: 1, ok: 0 });
  t.like(counters(run, 'h1'), { changed: 2, failed: 0 });
  t.is(read(dir, 'log'), 'h1\nagain h1\n');
  t.regex(run.output, /fatal: \[far\]: UNREACHABLE!/);
});
