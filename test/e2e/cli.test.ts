import test from 'ava';
import { readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { ezplay as run } from '../helpers/cli.js';
import { project, treeHash } from '../helpers/run-local.js';
import { exists, read } from '../helpers/local-hosts.js';

/** `ezplay ARGS` in `cwd`, as a user runs it, outside CI so the output is what a user sees. */
const ezplay = (cwd: string, ...args: string[]) => run(cwd, args, { unset: ['CI'] });

const HOSTS = `
[web]
h1 ansible_connection=local
h2 ansible_connection=local

[db]
h3 ansible_connection=local
`;

const SITE = `
- name: configure
  hosts: web
  gather_facts: no
  tasks:
    - name: first
      copy: dest=$DIR/{{ inventory_hostname }}.conf content="greeting={{ greeting | default('hi') }}\\n"
      tags: config
    - name: second
      shell: echo "{{ inventory_hostname }} {{ extra | default('-') }}" >> $DIR/log
      args:
        rollback: rm -f $DIR/log
    - name: third
      command: "true"
      changed_when: false
      tags: check
- name: database
  hosts: db
  gather_facts: no
  tasks:
    - name: db task
      copy: dest=$DIR/db.conf content="db\\n"
`;

function site(extra: Record<string, string> = {}) {
  return project({ hosts: HOSTS, 'site.yml': SITE, 'existing.txt': 'before\n', ...extra });
}

test('a run prints Ansible-like lines and the recap; ezplay rollback undoes it byte for byte', async (t) => {
  const dir = site();
  const before = treeHash(dir);
  const run = await ezplay(dir, 'run', 'site.yml', '-i', 'hosts');
  t.is(run.code, 0, run.stderr + run.stdout);
  t.regex(run.stdout, /^PLAY \[configure\] \*+$/m);
  t.regex(run.stdout, /^TASK \[first\] \*+$/m);
  t.regex(run.stdout, /^changed: \[h1\]$/m);
  t.regex(run.stdout, /^ok: \[h2\]$/m);
  t.regex(run.stdout, /^PLAY RECAP \*+$/m);
  t.regex(run.stdout, /^h1 +: ok=3 +changed=2 +unreachable=0 +failed=0 +skipped=0 +rescued=0 +ignored=0$/m);
  t.regex(run.stdout, /^h3 +: ok=1 +changed=1 +unreachable=0 +failed=0 +skipped=0 +rescued=0 +ignored=0$/m);
  t.false(run.stdout.includes('\x1b['), 'no colours in a pipe');
  t.is(read(dir, 'h1.conf'), 'greeting=hi\n');
  t.not(treeHash(dir), before);
  const undo = await ezplay(dir, 'rollback');
  t.is(undo.code, 0, undo.stderr + undo.stdout);
  t.is(treeHash(dir), before, undo.stdout);
});

test('ezplay rollback after a --check run undoes the last run that changed something; with nothing left to undo it says so and exits 1', async (t) => {
  const dir = site();
  const before = treeHash(dir);
  const run = await ezplay(dir, 'run', 'site.yml', '-i', 'hosts');
  t.is(run.code, 0, run.stderr + run.stdout);
  const check = await ezplay(dir, 'run', 'site.yml', '-i', 'hosts', '--check');
  t.is(check.code, 0, check.stderr + check.stdout);
  const runs = readdirSync(path.join(dir, '.ezplay', 'runs')).sort();
  t.is(runs.length, 2);
  const named = await ezplay(dir, 'rollback', runs[1]!);
  t.is(named.code, 1, named.stdout);
  t.regex(named.stderr, new RegExp(`nothing to undo: run ${runs[1]} was a --check run`));
  const undo = await ezplay(dir, 'rollback');
  t.is(undo.code, 0, undo.stderr + undo.stdout);
  t.regex(undo.stdout, new RegExp(`run ${runs[0]}`), 'the run that changed something, not the --check run after it');
  t.is(treeHash(dir), before, undo.stdout);
  const again = await ezplay(dir, 'rollback');
  t.is(again.code, 1, again.stdout);
  t.regex(again.stderr, new RegExp(`nothing left to undo: the 5 change\\(s\\) of run ${runs[0]} were undone already`));
  t.is(treeHash(dir), before);

  const fresh = site();
  t.is((await ezplay(fresh, 'run', 'site.yml', '-i', 'hosts', '-C')).code, 0);
  const none = await ezplay(fresh, 'rollback');
  t.is(none.code, 1, none.stdout);
  t.regex(none.stderr, /nothing to undo: none of the 1 run\(s\) under .* changed anything/);
});

test('--json: one JSON object per line, the last exactly the recap; -e as k=v, JSON and @file', async (t) => {
  const dir = site();
  writeFileSync(path.join(dir, 'vars.yml'), 'greeting: from-file\n');
  const run = await ezplay(dir, 'run', 'site.yml', '-i', 'hosts', '--json', '-e', 'greeting=kv', '-e', '{"extra": "json"}', '-e', '@vars.yml');
  t.is(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  const events = lines.map((l) => JSON.parse(l) as { type: string; hosts?: Record<string, unknown> });
  const last = events.at(-1)!;
  t.deepEqual(Object.keys(last), ['type', 'hosts']);
  t.is(last.type, 'recap');
  t.deepEqual(last.hosts?.h1, { ok: 3, changed: 2, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
  t.regex(lines.at(-1)!, /^\{"type":"recap","hosts":\{/);
  t.true(events.some((e) => e.type === 'host_result'));
  // the later -e wins, as in Ansible
  t.is(read(dir, 'h1.conf'), 'greeting=from-file\n');
  t.is(read(dir, 'log').split('\n').sort().join('\n').trim(), 'h1 json\nh2 json');
});

test('exit code 2 when a host fails', async (t) => {
  const dir = project({ hosts: HOSTS, 'play.yml': '- hosts: web\n  gather_facts: no\n  tasks:\n    - fail: msg=boom\n      when: inventory_hostname == "h2"\n' });
  const run = await ezplay(dir, 'run', 'play.yml', '-i', 'hosts');
  t.is(run.code, 2, run.stderr);
  t.regex(run.stdout, /^fatal: \[h2\]: FAILED! => \{"changed": false, "msg": "boom"\}$/m);
  t.regex(run.stdout, /^h2 +: ok=0 +changed=0 +unreachable=0 +failed=1/m);
});

test('exit code 3 when a host is unreachable', async (t) => {
  const dir = project({
    hosts: 'far ansible_host=127.0.0.1 ansible_port=1 ansible_user=nobody\n',
    'play.yml': '- hosts: all\n  gather_facts: no\n  tasks:\n    - command: "true"\n',
  });
  const run = await ezplay(dir, 'run', 'play.yml', '-i', 'hosts');
  t.is(run.code, 3, run.stderr + run.stdout);
  t.regex(run.stdout, /UNREACHABLE!/);
  t.regex(run.stdout, /far +: ok=0 +changed=0 +unreachable=1/);
});

test('exit code 4 for a parse error, with file:line; nothing changes', async (t) => {
  const dir = project({
    hosts: HOSTS,
    'play.yml': `- hosts: web
  gather_facts: no
  tasks:
    - copy: dest=$DIR/first content=x
    - copy: dest=$DIR/second content=x colour=blue
`,
    'broken.yml': '- hosts: web\n  tasks:\n    - debug: {msg: unterminated\n    - debug: msg=x\n',
  });
  const before = treeHash(dir);
  const [bad, broken] = await Promise.all([ezplay(dir, 'run', 'play.yml', '-i', 'hosts'), ezplay(dir, 'run', 'broken.yml', '-i', 'hosts', '--syntax-check')]);
  t.is(bad.code, 4, bad.stdout);
  t.regex(bad.stderr, /play\.yml:5/);
  t.regex(bad.stderr, /unsupported argument 'colour'/);
  t.false(bad.stderr.includes('    at '), 'no stack trace for a mistake in the YAML');
  t.is(broken.code, 4);
  t.regex(broken.stderr, /broken\.yml:\d+/);
  t.is(treeHash(dir), before);
});

/** A TCP port on 127.0.0.1 that counts the connections made to it and closes each at once (it speaks no SSH). */
async function countingPort(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    count: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('input that fails to load touches no host (exit 4, no connection attempt); valid input reaches it', async (t) => {
  const server = await countingPort();
  t.teardown(() => server.close());
  const play = '- hosts: all\n  tasks:\n    - command: "true"\n';
  const dir = project({
    hosts: `far ansible_host=127.0.0.1 ansible_port=${server.port} ansible_user=nobody\n`,
    'good.yml': play,
    // the error is in the second play: the first one, which gathers facts, is fine
    'bad-argument.yml': `${play}- hosts: all\n  tasks:\n    - copy: dest=$DIR/x content=x colour=blue\n`,
    'bad-yaml.yml': `${play}- hosts: all\n  tasks:\n    - debug: {msg: unterminated\n`,
    'missing-role.yml': `${play}- hosts: all\n  roles: [no_such_role]\n`,
    'missing-vars-file.yml': '- hosts: all\n  vars_files: [missing.yml]\n  tasks:\n    - command: "true"\n',
    'bad-loop.yml': `${play}- hosts: all\n  tasks:\n    - debug: msg={{ item }}\n      with_sequence: start=0 junk=3\n`,
    // the same loop in a task written to fail is left for the run, which reaches the host
    'expected-failure.yml': `- hosts: all\n  tasks:\n    - debug: msg={{ item }}\n      with_sequence: start=0 junk=3\n      ignore_errors: true\n`,
  });
  for (const file of ['bad-argument.yml', 'bad-yaml.yml', 'missing-role.yml', 'missing-vars-file.yml', 'bad-loop.yml']) {
    const run = await ezplay(dir, 'run', file, '-i', 'hosts');
    t.is(run.code, 4, `${file}: ${run.stderr}${run.stdout}`);
    t.is(server.count(), 0, `${file}: no connection attempt`);
  }
  const good = await ezplay(dir, 'run', 'good.yml', '-i', 'hosts');
  t.is(good.code, 3, good.stderr + good.stdout);
  t.regex(good.stdout, /^fatal: \[far\]: UNREACHABLE! => /m);
  t.true(server.count() >= 1, 'the same inventory reaches the port once the input is valid');
  const expected = await ezplay(dir, 'run', 'expected-failure.yml', '-i', 'hosts');
  t.is(expected.code, 3, expected.stderr + expected.stdout);
});

test('exit code 5 for bad options', async (t) => {
  const dir = site();
  const [forks, unknown] = await Promise.all([
    ezplay(dir, 'run', 'site.yml', '-i', 'hosts', '--forks', 'abc'),
    ezplay(dir, 'run', 'site.yml', '-i', 'hosts', '--no-such-flag'),
  ]);
  t.is(forks.code, 5, forks.stderr);
  t.regex(forks.stderr, /--forks/);
  t.is(unknown.code, 5);
  t.regex(unknown.stderr, /no-such-flag/);
  t.false(exists(dir, 'h1.conf'));
});

test('a run without any inventory has the implicit localhost only, with Ansible\'s warning; status refuses', async (t) => {
  const dir = project({
    'play.yml':
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: dest=$DIR/all content=x\n' +
      '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - copy: dest=$DIR/local content={{ inventory_hostname }}\n',
  });
  // a lab name no test starts, so no running lab's inventory is picked up
  const env = { EZPLAY_LAB: 'no-such-lab-implicit' };
  const out = await run(dir, ['run', 'play.yml'], { unset: ['CI'], env });
  t.is(out.code, 0, out.stdout + out.stderr);
  t.regex(out.stderr, /\[WARNING\]: No inventory was parsed, only implicit localhost is available/);
  t.false(exists(dir, 'all'), 'the implicit localhost is not in all');
  t.is(read(dir, 'local'), 'localhost');
  const status = await run(dir, ['status'], { unset: ['CI'], env });
  t.is(status.code, 5, status.stdout + status.stderr);
  t.regex(status.stderr, /no inventory/);
});

test('a run whose -i names nothing that exists warns as Ansible does and has the implicit localhost; status refuses', async (t) => {
  const dir = project({ 'play.yml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - copy: dest=$DIR/local content={{ inventory_hostname }}\n' });
  const out = await run(dir, ['run', '-i', 'inventory', 'play.yml'], { unset: ['CI'] });
  t.is(out.code, 0, out.stdout + out.stderr);
  t.regex(out.stderr, /\[WARNING\]: Unable to parse \S+\/inventory as an inventory source/);
  t.regex(out.stderr, /\[WARNING\]: No inventory was parsed, only implicit localhost is available/);
  t.is(read(dir, 'local'), 'localhost');
  const status = await run(dir, ['status', '-i', 'inventory'], { unset: ['CI'] });
  t.is(status.code, 5, status.stdout + status.stderr);
  t.regex(status.stderr, /the inventory inventory does not exist/);
});

test('--syntax-check, --list-hosts, --list-tasks, --list-tags change nothing', async (t) => {
  const dir = site();
  const before = treeHash(dir);
  const [syntax, listing] = await Promise.all([
    ezplay(dir, 'run', 'site.yml', '-i', 'hosts', '--syntax-check'),
    ezplay(dir, 'run', 'site.yml', '-i', 'hosts', '--list-hosts', '--list-tasks', '--list-tags'),
  ]);
  t.is(syntax.code, 0, syntax.stderr);
  t.regex(syntax.stdout, /playbook: site\.yml/);
  t.is(listing.code, 0, listing.stderr);
  t.regex(listing.stdout, /play #1 \(web\): configure/);
  t.regex(listing.stdout, /hosts \(2\):\n\s+h1\n\s+h2/);
  t.regex(listing.stdout, /play #2 \(db\): database/);
  t.regex(listing.stdout, /hosts \(1\):\n\s+h3/);
  t.regex(listing.stdout, /^\s+first\tTAGS: \[config\]$/m);
  t.regex(listing.stdout, /^\s+second\tTAGS: \[\]$/m);
  t.regex(listing.stdout, /^\s+third\tTAGS: \[check\]$/m);
  // each play's task tags after its tasks, as ansible-playbook shows them
  t.regex(listing.stdout, /third\tTAGS: \[check\]\n\s+TASK TAGS: \[check, config\]\n/);
  t.regex(listing.stdout, /db task\tTAGS: \[\]\n\s+TASK TAGS: \[\]\n/);
  t.is(treeHash(dir), before);
});

test('--start-at-task and --limit', async (t) => {
  const dir = site();
  const run = await ezplay(dir, 'run', 'site.yml', '-i', 'hosts', '--start-at-task', 'second', '-l', 'h2:db');
  t.is(run.code, 0, run.stderr + run.stdout);
  t.false(exists(dir, 'h1.conf'));
  t.false(exists(dir, 'h2.conf'), 'the first task was skipped');
  t.is(read(dir, 'log'), 'h2 -\n');
  t.true(exists(dir, 'db.conf'), 'later plays run from their start');
  t.notRegex(run.stdout, /\[h1\]/);
});

test('--version and --help', async (t) => {
  const dir = site();
  const [version, help] = await Promise.all([ezplay(dir, '--version'), ezplay(dir, 'run', '--help')]);
  t.is(version.code, 0);
  t.regex(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
  t.is(help.code, 0);
  t.regex(help.stdout, /Examples:/);
  t.regex(help.stdout, /ezplay run playbooks\/etcd\.yml/);
  t.regex(help.stdout, /--check/);
});

test("Ansible's jsonfile fact cache: set_fact cacheable=true is read by the next run; --flush-cache forgets it", async (t) => {
  const dir = project({
    hosts: 'local ansible_connection=local\n',
    'set.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - set_fact: { kept: from_first_run, cacheable: true }\n    - set_fact: { not_kept: x }\n',
    'read.yml': `- hosts: local
  gather_facts: no
  tasks:
    - assert:
        that:
          - kept == 'from_first_run'
          - ansible_facts.kept == 'from_first_run'
          - not_kept is undefined
`,
    'gone.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - assert: { that: [kept is undefined] }\n',
  });
  const env = { ANSIBLE_CACHE_PLUGIN: 'jsonfile', ANSIBLE_CACHE_PLUGIN_CONNECTION: path.join(dir, 'cache'), ANSIBLE_CACHE_PLUGIN_PREFIX: 'prefix_' };
  const first = await run(dir, ['run', 'set.yml', '-i', 'hosts'], { env, unset: ['CI'] });
  t.is(first.code, 0, first.stdout + first.stderr);
  t.deepEqual(readdirSync(path.join(dir, 'cache')), ['prefix_local']);
  const second = await run(dir, ['run', 'read.yml', '-i', 'hosts'], { env, unset: ['CI'] });
  t.is(second.code, 0, second.stdout + second.stderr);
  const flushed = await run(dir, ['run', 'gone.yml', '-i', 'hosts', '--flush-cache'], { env, unset: ['CI'] });
  t.is(flushed.code, 0, flushed.stdout + flushed.stderr);
});

test('-vv: the playbook banner, the play count and task paths, as ansible-playbook prints them; results after =>', async (t) => {
  const dir = project({ hosts: 'local ansible_connection=local\n', 'play.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - set_fact: { a: 1 }\n' });
  const out = await ezplay(dir, 'run', 'play.yml', '-i', 'hosts', '-vv');
  t.is(out.code, 0, out.stderr);
  t.regex(out.stdout, /^PLAYBOOK: play\.yml \*+$/m);
  t.regex(out.stdout, /^1 plays in play\.yml$/m);
  t.regex(out.stdout, /^task path: .*play\.yml:4$/m);
  t.regex(out.stdout, /^ok: \[local\] => \{"ansible_facts": \{"a": 1\}, "changed": false\}$/m);
  t.notRegex(out.stdout, /TIMINGS/);
});
