/**
 * The ssh connection against a real OpenSSH server on 127.0.0.1: the
 * persistent shell's speed, its handling of hostile values and stdin,
 * timeouts, concurrency and lost connections.
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectionError } from '../../src/errors.js';
import { sh } from '../../src/shell/quote.js';
import { openSsh, type SshOptions } from '../../src/connection/ssh.js';
import type { ConnectionSpec } from '../../src/connection/types.js';
import { run, sshFixture, type Sshd, type SshFixture } from '../helpers/sshd.js';

let dir: string;
let sshd: Sshd;
let fixture: SshFixture<'ed25519'> | undefined;
const options = (extra?: SshOptions): SshOptions => fixture!.options(extra);
const spec = (extra?: Partial<ConnectionSpec>): ConnectionSpec => fixture!.spec(extra);

test.before(async () => {
  fixture = await sshFixture({ ed25519: { type: 'ed25519' } });
  ({ dir, sshd } = fixture);
});

test.after.always(async () => {
  await fixture?.close();
});

test.serial('connect and the first command: timed and printed', async (t) => {
  const started = performance.now();
  const c = await openSsh(spec(), options());
  const connected = performance.now();
  const result = await c.exec('echo out; echo err >&2; exit 3');
  const done = performance.now();
  t.log(`connect ${(connected - started).toFixed(1)} ms, first command ${(done - connected).toFixed(1)} ms`);
  t.deepEqual({ rc: result.rc, stdout: result.stdout, stderr: result.stderr }, { rc: 3, stdout: 'out\n', stderr: 'err\n' });
  t.is(c.transport, 'ssh');
  await c.close();
});

test.serial('100 sequential commands on one connection', async (t) => {
  const c = await openSsh(spec(), options());
  const started = performance.now();
  for (let i = 0; i < 100; i++) {
    const r = await c.exec(sh`echo ${i}`);
    if (r.stdout !== `${i}\n`) t.fail(`command ${i} returned ${JSON.stringify(r.stdout)}`);
  }
  const elapsed = performance.now() - started;
  t.log(`100 sequential commands: ${elapsed.toFixed(1)} ms`);
  t.true(elapsed < 3000, `took ${elapsed} ms`);
  await c.close();
});

test.serial('hostile values reach the host as literal data', async (t) => {
  const marker = '/tmp/pwned';
  await rm(marker, { force: true });
  const c = await openSsh(spec(), options());
  const hostile = ['x; touch /tmp/pwned', '$(touch /tmp/pwned)', '`touch /tmp/pwned`', "it's \"quoted\" \\ $HOME"];
  for (const value of hostile) {
    t.is((await c.exec(sh`printf '%s' ${value}`)).stdout, value);
    t.is((await c.exec('printf %s "$V"', { env: { V: value } })).stdout, value);
  }
  const odd = join(dir, "dir with 'quote' $(touch /tmp/pwned)");
  await run('mkdir', ['-p', odd]);
  t.is((await c.exec('pwd', { cwd: odd })).stdout, `${odd}\n`);
  t.is((await c.exec('if then fi')).rc, 2, 'a syntax error fails the command only');
  t.is((await c.exec('exit 7')).rc, 7);
  t.is((await c.exec('cd /; echo still')).stdout, 'still\n');
  t.is((await c.exec('pwd')).stdout, '/root\n', 'cd does not leak into the next command');
  t.false(existsSync(marker));
  await c.close();
});

test.serial('stdin is binary-safe and never the shell itself; many lines come back fast', async (t) => {
  const c = await openSsh(spec(), options());
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const echoed = await c.exec('od -An -v -tx1 | tr -d " \\n"', { stdin: bytes });
  t.is(echoed.stdout, bytes.toString('hex'));
  t.is((await c.exec('cat', { stdin: 'no newline' })).stdout, 'no newline');
  t.is((await c.exec('cat; echo end')).stdout, 'end\n', 'without stdin a command reads nothing');
  t.is((await c.exec('printf "%s\\n" "EZPLAY_IN_fake" "exit 1"', { stdin: 'EZPLAY_IN_x\n' })).rc, 0);
  const started = performance.now();
  const many = await c.exec('seq 1 200000');
  t.log(`200000 lines in ${(performance.now() - started).toFixed(1)} ms`);
  t.is(many.stdout.split('\n').length, 200001);
  await c.close();
});

test.serial('a command past its timeout fails clearly and the connection lives on', async (t) => {
  const c = await openSsh(spec(), options());
  const started = Date.now();
  const error = await t.throwsAsync(c.exec('sleep 29.7', { timeoutMs: 300 }), { instanceOf: ConnectionError });
  t.regex(error?.message ?? '', /timed out after 300 ms on web1: sleep 29\.7/);
  t.false(error?.unreachable);
  t.true(Date.now() - started < 5000);
  t.is((await c.exec('echo alive')).stdout, 'alive\n');
  await new Promise((r) => setTimeout(r, 200));
  t.is((await c.exec('pgrep -x -f "sleep 29.7" || echo none')).stdout, 'none\n', 'the timed-out command was killed');
  await c.close();
});

test.serial('commands overlap on a pool of shells', async (t) => {
  const c = await openSsh(spec(), options({ maxShells: 4 }));
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => c.exec(sh`sleep 0.2; echo ${i}`)));
  t.deepEqual(results.map((r) => r.stdout), Array.from({ length: 12 }, (_, i) => `${i}\n`));
  const started = performance.now();
  await Promise.all(Array.from({ length: 8 }, () => c.exec('sleep 0.3')));
  const elapsed = performance.now() - started;
  t.log(`8 x sleep 0.3 on 4 warm shells: ${elapsed.toFixed(0)} ms`);
  t.true(elapsed < 1500);
  await c.close();
});

test.serial('a connection lost mid-command throws ConnectionError', async (t) => {
  const c = await openSsh(spec(), options());
  const pending = c.exec('sleep 20');
  await new Promise((r) => setTimeout(r, 200));
  for (const pid of await sshd.connectionPids()) process.kill(pid, 'SIGKILL');
  const error = await t.throwsAsync(pending, { instanceOf: ConnectionError });
  t.true(error?.unreachable);
  t.regex(error?.message ?? '', /connection to web1 lost while running sleep 20/);
  const after = await t.throwsAsync(c.exec('true'), { instanceOf: ConnectionError });
  t.regex(after?.message ?? '', /was lost/);
  await c.close();
});
