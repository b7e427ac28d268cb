/**
 * An upload killed halfway (the controller dies mid-transfer) leaves its
 * temporary file tagged with the run id; the next run that changes the host
 * removes it, beside the destination and in /tmp when staged for sudo.
 * A real sshd on 127.0.0.1, reached through a relay that the test freezes
 * once the temporary file exists, so the kill lands mid-upload every time.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { CLI, ezplay } from '../helpers/cli.js';
import { project } from '../helpers/run-local.js';
import { ensureUser, makeKey, removeUser, startSshd, type KeyPair, type Sshd } from '../helpers/sshd.js';

const USER = 'ezplay-upload-t';
let sshd: Sshd | undefined;
let key: KeyPair;
const keyDir = path.join('/tmp', `ezplay-upload-keys-${process.pid}`);
let relay: Server | undefined;
let relayPort = 0;
const sockets = new Set<Socket>();
let frozen = false;

test.before(async () => {
  mkdirSync(keyDir, { recursive: true });
  key = await makeKey(keyDir, 'ed25519');
  await ensureUser(USER, randomBytes(12).toString('hex'), 'nopasswd');
  sshd = await startSshd({ authorizedKeys: { root: [key.publicLine], [USER]: [key.publicLine] } });
  relay = createServer((client) => {
    const server = connect(sshd!.port, '127.0.0.1');
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); server.destroy(); });
    }
    // forward chunk by chunk, so freezing stops the transfer at once
    const forward = (from: Socket, to: Socket) => from.on('data', (b: Buffer) => { if (!frozen) to.write(b); });
    forward(client, server);
    forward(server, client);
  });
  await new Promise<void>((resolve) => relay!.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  relayPort = typeof address === 'object' && address ? address.port : 0;
});

test.after.always(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => (relay ? relay.close(resolve) : resolve(undefined)));
  await sshd?.stop();
  await removeUser(USER);
  rmSync(keyDir, { recursive: true, force: true });
});

const stagedUploads = () => readdirSync('/tmp').filter((f) => f.startsWith('.ezplay-upload-'));

for (const who of ['root', USER]) {
  test.serial(`a killed upload's temporary files are removed by the next run (${who === 'root' ? 'as root, beside dest' : 'through sudo, staged in /tmp'})`, async (t) => {
    frozen = false;
    const dir = project({
      hosts: `[remote]\nhost1 ansible_host=127.0.0.1 ansible_port=${relayPort} ansible_user=${who} ` +
        `ansible_ssh_private_key_file=${key.file} ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'` +
        (who === 'root' ? '' : ' ansible_become=true') + '\n',
      'play.yml': '- hosts: remote\n  gather_facts: false\n  tasks:\n    - copy: src=$DIR/blob dest=$DIR/out/blob\n',
    });
    mkdirSync(path.join(dir, 'out'));
    // below the streaming threshold: an ordinary put, over SFTP
    writeFileSync(path.join(dir, 'blob'), randomBytes(3 << 20));
    const stagedBefore = new Set(stagedUploads());
    const leftovers = () => [
      ...readdirSync(path.join(dir, 'out')).filter((f) => f !== 'blob'),
      ...stagedUploads().filter((f) => !stagedBefore.has(f)),
    ];
    const child = spawn(process.execPath, [...CLI, 'run', 'play.yml', '-i', 'hosts'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 120_000;
    while (leftovers().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    frozen = true;
    child.kill('SIGKILL');
    await exited;
    for (const s of sockets) s.destroy();
    const left = leftovers();
    t.is(left.length, 1, `the killed upload left ${left.join(', ')}`);
    t.regex(left[0] ?? '', /ezplay-(upload-)?\d{8}-\d{9}-[0-9a-f]{4}-/, 'tagged with the run id');
    t.false(existsSync(path.join(dir, 'out', 'blob')));
    frozen = false;
    const again = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
    t.is(again.code, 0, again.stdout + again.stderr);
    t.true(existsSync(path.join(dir, 'out', 'blob')));
    t.deepEqual(leftovers(), [], 'the next run removed what the killed one left');
    rmSync(dir, { recursive: true, force: true });
  });
}
