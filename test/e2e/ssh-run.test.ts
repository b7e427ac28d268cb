/**
 * `ezplay run` against a real sshd on 127.0.0.1, through a TCP relay that
 * counts connections: the first play's connections, opened while the run is
 * set up, are the ones Gathering Facts and the tasks use (one per host),
 * with serial batches, --forks, --limit, --check, delegate_to and
 * connection: local.
 */
import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ezplay } from '../helpers/cli.js';
import { project } from '../helpers/run-local.js';
import { sshFixture, type SshFixture } from '../helpers/sshd.js';

let fixture: SshFixture<'ed25519'> | undefined;
let relay: Server | undefined;
let relayPort = 0;
let connections = 0;
const sockets = new Set<Socket>();

test.before(async () => {
  fixture = await sshFixture({ ed25519: { type: 'ed25519' } });
  const target = fixture.sshd.port;
  relay = createServer((client) => {
    connections++;
    const server = connect(target, '127.0.0.1');
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        server.destroy();
      });
    }
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => relay!.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  relayPort = typeof address === 'object' && address ? address.port : 0;
  await writeFile(join(fixture.dir, 'relay_known_hosts'), `[127.0.0.1]:${relayPort} ${fixture.sshd.hostKey}\n`);
});

test.after.always(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => (relay ? relay.close(resolve) : resolve(undefined)));
  await fixture?.close();
});

function inventory(): string {
  const f = fixture!;
  const vars = [
    'ansible_host=127.0.0.1',
    `ansible_port=${relayPort}`,
    'ansible_user=root',
    `ansible_ssh_private_key_file=${f.keys.ed25519.file}`,
    `ansible_ssh_known_hosts_file=${join(f.dir, 'relay_known_hosts')}`,
  ].join(' ');
  return `[web]\nh1 ${vars}\nh2 ${vars}\nh3 ${vars}\n`;
}

const TASKS = `
  tasks:
    - name: facts arrived
      assert:
        that: ansible_facts.kernel | length > 0
    - name: a command on the host
      command: echo {{ inventory_hostname }}
      changed_when: false
    - name: delegated to another host
      command: echo delegated
      delegate_to: h3
      changed_when: false
    - name: on the controller
      command: echo local
      connection: local
      changed_when: false
`;

/** Runs `ezplay run play.yml ARGS` and returns the exit code, output and the connections the relay saw. */
async function counted(playbook: string, ...args: string[]): Promise<{ code: number; output: string; connections: number }> {
  const dir = project({ hosts: inventory(), 'play.yml': playbook });
  const before = connections;
  const run = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', ...args]);
  return { code: run.code, output: run.stdout + run.stderr, connections: connections - before };
}

test.serial('one connection per host: the early one is the one the whole play uses', async (t) => {
  const run = await counted(`- hosts: web\n${TASKS}`);
  t.is(run.code, 0, run.output);
  t.regex(run.output, /^h1 +: ok=5 +changed=0 +unreachable=0 +failed=0/m);
  t.regex(run.output, /^h3 +: ok=5 +changed=0 +unreachable=0 +failed=0/m);
  t.is(run.connections, 3);
});

test.serial('serial batches and --forks 1 still reach each host once', async (t) => {
  const serial = await counted(`- hosts: web\n  serial: 1\n${TASKS}`, '--forks', '1');
  t.is(serial.code, 0, serial.output);
  t.is(serial.connections, 3);
  t.regex(serial.output, /^h2 +: ok=5 +changed=0/m);
});

test.serial('--limit and --check reach only the hosts of the run', async (t) => {
  const limited = await counted('- hosts: web\n  tasks:\n    - command: "true"\n', '-l', 'h2', '--check');
  t.is(limited.code, 0, limited.output);
  t.is(limited.connections, 1);
  t.notRegex(limited.output, /\[h1\]|\[h3\]/);
});

test.serial('a first play with connection: local or without facts opens nothing ahead; later plays connect as before', async (t) => {
  const local = await counted('- hosts: web\n  connection: local\n  tasks:\n    - command: "true"\n');
  t.is(local.code, 0, local.output);
  t.is(local.connections, 0);
  const noFacts = await counted('- hosts: web\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n- hosts: h1\n  tasks:\n    - command: "true"\n');
  t.is(noFacts.code, 0, noFacts.output);
  t.is(noFacts.connections, 1, 'only the second play reaches a host');
});
