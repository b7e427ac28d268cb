/**
 * Bounds a run keeps, against a real sshd on 127.0.0.1 and the local
 * connection: a task's `timeout:` kills its command on the host, a YAML
 * alias bomb is refused at once, a 200 MB copy streams in bounded memory.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CLI, ezplay } from '../helpers/cli.js';
import { LOCAL_INVENTORY, project } from '../helpers/run-local.js';
import { sshFixture, type SshFixture } from '../helpers/sshd.js';
import { loadPlaybook } from '../../src/load/playbook.js';

let fixture: SshFixture<'ed25519'> | undefined;

test.before(async () => {
  fixture = await sshFixture({ ed25519: { type: 'ed25519' } });
});

test.after.always(async () => {
  await fixture?.close();
});

function sshInventory(): string {
  const f = fixture!;
  return `[remote]\nsshhost ansible_host=127.0.0.1 ansible_port=${f.sshd.port} ansible_user=root ` +
    `ansible_ssh_private_key_file=${f.keys.ed25519.file} ansible_ssh_known_hosts_file=${f.knownHosts}\n`;
}

/** Running, not a zombie: a killed process whose parent died waits for a reaper that may be slow in a container. */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

for (const [name, inventory, group] of [['ssh', sshInventory, 'remote'], ['local', () => LOCAL_INVENTORY, 'local']] as const) {
  test.serial(`timeout: kills the command on the host and fails the task with a clear message (${name})`, async (t) => {
    const dir = project({
      hosts: inventory(),
      'play.yml': `
- hosts: ${group}
  gather_facts: false
  tasks:
    - name: hangs
      shell: sh -c 'echo $$ > $DIR/pid; exec sleep 300'
      timeout: 2
    - name: never reached
      copy: dest=$DIR/after content=x
`,
    });
    const started = Date.now();
    const run = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
    const seconds = (Date.now() - started) / 1000;
    t.is(run.code, 2, run.stdout + run.stderr);
    t.regex(run.stdout, /did not finish within the task's timeout of 2 s and was killed on /, run.stdout);
    t.true(seconds < 60, `${seconds} s`);
    const pid = Number(readFileSync(path.join(dir, 'pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 300));
    t.false(alive(pid), `sleep ${pid} still runs on the host`);
    t.false(existsSync(path.join(dir, 'after')));
  });
}

const BOMB = `- hosts: localhost
  gather_facts: false
  vars:
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
  tasks:
    - debug: msg=hi
`;

test.serial('a YAML alias bomb is refused in well under a second with file:line, also under --syntax-check and in an inventory', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': BOMB,
    'inv.yml': `all:\n  hosts:\n    localhost: {ansible_connection: local}\n  vars:\n${BOMB.split('\n').slice(3, 12).map((l) => `  ${l}`).join('\n')}\n`,
    'ok.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n',
  });
  loadPlaybook(path.join(dir, 'ok.yml')); // the loader's own start-up is not what is measured
  const started = performance.now();
  const error = t.throws(() => loadPlaybook(path.join(dir, 'play.yml')));
  const ms = performance.now() - started;
  t.log(`alias bomb (${BOMB.length} bytes) refused in ${ms.toFixed(1)} ms`);
  t.true(ms < 1000, `${ms} ms`);
  t.regex(error?.message ?? '', /alias bomb/);
  for (const args of [['run', '--syntax-check', 'play.yml'], ['run', 'play.yml', '-i', 'hosts'], ['run', 'ok.yml', '-i', 'inv.yml']]) {
    const run = await ezplay(dir, args, { timeoutMs: 60_000 });
    t.is(run.code, 4, run.stderr);
    t.regex(run.stderr, /^ERROR! (\S*\/)?(play|inv)\.yml:\d+:\d+: YAML aliases here expand to more than 100000 values/m, run.stderr);
    t.notRegex(run.stderr, /^\s+at /m);
  }
});

/** Runs ezplay, sampling its peak resident memory (VmHWM) until it exits. */
function measured(cwd: string, args: string[]): Promise<{ code: number; out: string; peakMb: number; seconds: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [...CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    let peakKb = 0;
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited between samples
      }
    }, 20);
    child.on('exit', (code) => {
      clearInterval(sample);
      resolve({ code: code ?? -1, out, peakMb: peakKb / 1024, seconds: (Date.now() - started) / 1000 });
    });
  });
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

test.serial('a 200 MB copy over ssh streams and hashes in under 200 MB of memory; a re-run changes nothing', async (t) => {
  const dir = project({
    hosts: sshInventory(),
    'play.yml': `
- hosts: remote
  gather_facts: false
  tasks:
    - copy: src=$DIR/big.bin dest=$DIR/out/big.bin mode=0640
`,
  });
  const fd = openSync(path.join(dir, 'big.bin'), 'w');
  // incompressible and not UTF-8: the worst case for text handling
  for (let i = 0; i < 200; i++) writeSync(fd, randomBytes(1 << 20));
  closeSync(fd);
  mkdirSync(path.join(dir, 'out'));
  const first = await measured(dir, ['run', 'play.yml', '-i', 'hosts']);
  t.is(first.code, 0, first.out);
  t.log(`200 MB copy: ${first.seconds.toFixed(1)} s, peak RSS ${first.peakMb.toFixed(0)} MB`);
  t.true(first.peakMb < 200, `${first.peakMb} MB`);
  t.is(await sha256Of(path.join(dir, 'out/big.bin')), await sha256Of(path.join(dir, 'big.bin')));
  t.deepEqual(readdirSync(path.join(dir, 'out')), ['big.bin'], 'no temporary file left');
  const again = await measured(dir, ['run', 'play.yml', '-i', 'hosts']);
  t.is(again.code, 0, again.out);
  t.regex(again.out, /sshhost +: ok=1 +changed=0/);
  t.log(`unchanged re-run: ${again.seconds.toFixed(1)} s, peak RSS ${again.peakMb.toFixed(0)} MB`);
  t.true(again.peakMb < 200);
  const mode = statSync(path.join(dir, 'out/big.bin')).mode & 0o777;
  t.is(mode, 0o640);
});
