import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { rawModule, scriptLine, waitForConnectionModule } from '../../../src/modules/raw.js';
import { planWith } from './core-modules-harness.js';

const lines: Array<[string[], string | undefined, string | undefined, string]> = [
  [[], undefined, undefined, 't=$(mktemp) && cat >"$t" && chmod 700 "$t" && ("$t" </dev/null); rc=$?; rm -f "$t"; exit $rc'],
  [['a b', "it's"], undefined, undefined, `t=$(mktemp) && cat >"$t" && chmod 700 "$t" && ("$t" 'a b' 'it'\\''s' </dev/null); rc=$?; rm -f "$t"; exit $rc`],
  [['x'], '/srv', 'bash', 't=$(mktemp) && cat >"$t" && chmod 700 "$t" && (cd /srv && bash "$t" x </dev/null); rc=$?; rm -f "$t"; exit $rc'],
];

for (const [args, chdir, executable, expected] of lines) {
  test(`script line: ${JSON.stringify({ args, chdir, executable })}`, (t) => {
    t.is(scriptLine(args, chdir, executable), expected);
  });
}

test('raw: one opaque step, the line as given or through executable -c; no undo', async (t) => {
  const conn = new FakeConnection();
  const plain = await planWith(rawModule, conn, { _raw_params: 'apt-get install -y python3' });
  t.true(plain.opaque);
  t.deepEqual(plain.steps?.map((s) => s.kind === 'exec' && s.command), ['apt-get install -y python3']);
  t.is(plain.undo, undefined, 'a raw change cannot be undone');
  const viaBash = await planWith(rawModule, conn, { _raw_params: 'echo $0', executable: '/bin/bash' });
  t.deepEqual(viaBash.steps?.map((s) => s.kind === 'exec' && s.command), ["/bin/bash -c 'echo $0'"]);
  t.deepEqual(conn.commands(), [], 'planning runs nothing');
});

test('wait_for_connection: ok once `true` runs; a timeout fails naming the last error', async (t) => {
  const up = new FakeConnection();
  up.answer(/^true$/, { rc: 0 });
  t.like(await planWith(waitForConnectionModule, up, {}), { changed: false });
  const down = new FakeConnection();
  down.answer(/^true$/, { rc: 255, stderr: 'Connection refused' });
  await t.throwsAsync(planWith(waitForConnectionModule, down, { timeout: 0, sleep: 0 }), { message: /timed out waiting for connection after 0 s: Connection refused/ });
});
