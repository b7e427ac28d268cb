/**
 * One run at a time per host, whatever project it comes from: two projects
 * reaching the same machine (over a real sshd on 127.0.0.1, and with the
 * local connection). The second run waits, naming the holder, or refuses
 * with --no-wait; the lock of a controller killed mid-run is released by
 * the host and taken over. Serial: every test locks this same machine.
 */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, ezplay } from '../helpers/cli.js';
import { LOCAL_INVENTORY, project } from '../helpers/run-local.js';
import { sshFixture, type SshFixture } from '../helpers/sshd.js';

let fixture: SshFixture<'ed25519'> | undefined;

test.before(async () => {
  fixture = await sshFixture({ ed25519: { type: 'ed25519' } });
});

test.after.always(async () => {
  await fixture?.close();
});

function sshInventory(): string {
  const f = fixture!;
  return `[local]\nh1 ansible_host=127.0.0.1 ansible_port=${f.sshd.port} ansible_user=root ansible_ssh_private_key_file=${f.keys.ed25519.file} ansible_ssh_known_hosts_file=${f.knownHosts}\n`;
}

/** What a run said, on either stream, as one line: the lock's messages are warnings, on stderr and wrapped at 79 columns as Ansible wraps them. */
const said = (run: { stdout: string; stderr: string }) => (run.stdout + run.stderr).replace(/\s+/g, ' ');

const PLAY = `
- hosts: local
  gather_facts: false
  tasks:
    - shell: echo "{{ who }} start" >> {{ order }}; i=0; while [ ! -e {{ gate }} ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done; echo "{{ who }} end" >> {{ order }}
      args:
        rollback: "true"
`;

function twoProjects(inventory: string): [string, string] {
  return [project({ hosts: inventory, 'play.yml': PLAY }), project({ hosts: inventory, 'play.yml': PLAY })];
}

/**
 * Starts `ezplay run` in the background and waits until its task has begun
 * (the host is locked by then); the task goes on until `gate` exists.
 */
async function startHolder(dir: string, order: string, gate: string): Promise<{ child: ChildProcess; done: Promise<number | null>; runId: string }> {
  const child = spawn(process.execPath, [...CLI, 'run', 'play.yml', '-i', 'hosts', '-e', `who=A gate=${gate} order=${order}`], { cwd: dir, stdio: 'ignore' });
  const done = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 120_000;
  while (!existsSync(order) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const runId = readdirSync(path.join(dir, '.ezplay', 'runs'))[0] as string;
  return { child, done, runId };
}

test.serial('a run from another project waits for the run holding the host, or refuses with --no-wait naming it', async (t) => {
  const [first, second] = twoProjects(sshInventory());
  const order = path.join(first, 'order');
  const gate = path.join(first, 'gate');
  const holder = await startHolder(first, order, gate);
  const holds = new RegExp(`ezplay run play\\.yml \\(run ${holder.runId}, project ${first}, pid ${holder.child.pid} on `);

  const refused = await ezplay(second, ['run', 'play.yml', '-i', 'hosts', '-e', `who=B gate=/ order=${order}`, '--no-wait']);
  t.is(refused.code, 2, refused.stdout + refused.stderr);
  t.regex(said(refused), /another run holds \/(run\/lock|tmp)\/ezplay\.lock on h1: /);
  t.regex(said(refused), holds);

  // a run that waits says for whom; it starts once the holder is done
  const waiter = spawn(process.execPath, [...CLI, 'run', 'play.yml', '-i', 'hosts', '-e', `who=C gate=/ order=${order}`], { cwd: second, env: { ...process.env, NO_COLOR: '1' } });
  let waitedOut = '';
  waiter.stdout.on('data', (b: Buffer) => (waitedOut += b.toString()));
  waiter.stderr.on('data', (b: Buffer) => (waitedOut += b.toString()));
  const waited = new Promise<number | null>((resolve) => waiter.on('exit', resolve));
  const deadline = Date.now() + 120_000;
  while (!/waiting for/.test(waitedOut) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.regex(waitedOut.replace(/\s+/g, ' '), /waiting for ezplay run play\.yml/);
  t.regex(waitedOut.replace(/\s+/g, ' '), holds);
  writeFileSync(gate, '');
  t.is(await holder.done, 0);
  t.is(await waited, 0, waitedOut);
  t.is(readFileSync(order, 'utf8'), 'A start\nA end\nC start\nC end\n', 'C ran once A was done; B never ran');
});

for (const transport of ['ssh', 'local'] as const) {
  test.serial(`the host lock of a controller killed mid-run is taken over (${transport} connection)`, async (t) => {
    const [first, second] = twoProjects(transport === 'ssh' ? sshInventory() : LOCAL_INVENTORY);
    const order = path.join(first, 'order');
    const gate = path.join(first, 'gate');
    const holder = await startHolder(first, order, gate);
    holder.child.kill('SIGKILL');
    await holder.done;
    const host = transport === 'ssh' ? 'h1' : 'localhost';
    const next = await ezplay(second, ['run', 'play.yml', '-i', 'hosts', '-e', `who=D gate=/ order=${path.join(second, 'order')}`, '--no-wait']);
    writeFileSync(gate, ''); // ends the killed run's task, still going on the host
    t.is(next.code, 0, next.stdout + next.stderr);
    t.regex(said(next), new RegExp(`took over the lock .*ezplay\\.lock on ${host}: ezplay run play\\.yml \\(run ${holder.runId}, project ${first}, .*\\) ended without releasing it`));
    t.is(readFileSync(path.join(second, 'order'), 'utf8'), 'D start\nD end\n');
  });
}

test.serial('two failing runs from two projects on one file: one waits for the other, both roll back whole, the file ends as it was', async (t) => {
  const shared = project({ 'shared.conf': 'original\n' });
  const play = `
- hosts: local
  gather_facts: false
  tasks:
    - copy: dest=${shared}/shared.conf content="{{ who }}\\n"
    - shell: sleep 2
      changed_when: false
    - fail: msg=boom
`;
  const [x, y] = [project({ hosts: LOCAL_INVENTORY, 'play.yml': play }), project({ hosts: LOCAL_INVENTORY, 'play.yml': play })];
  const [first, second] = await Promise.all([
    ezplay(x, ['run', 'play.yml', '-i', 'hosts', '-e', 'who=X'], { timeoutMs: 300_000 }),
    ezplay(y, ['run', 'play.yml', '-i', 'hosts', '-e', 'who=Y'], { timeoutMs: 300_000 }),
  ]);
  t.is(readFileSync(path.join(shared, 'shared.conf'), 'utf8'), 'original\n');
  t.regex(said(first) + said(second), /waiting for ezplay run play\.yml/, 'one run waited for the other');
  for (const run of [first, second]) {
    t.is(run.code, 2, run.stdout + run.stderr);
    t.regex(run.stdout, /rollback: 1 undone, 0 refused, 0 failed, 0 could not be undone/);
  }
});
