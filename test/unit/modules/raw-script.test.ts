import test from 'ava';
import { rawModule, scriptLine, waitForConnectionModule } from '../../../src/modules/raw.js';
import { moduleTable } from '../../helpers/module-table.js';

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

moduleTable([
  {
    name: 'one opaque step, the line as given; no undo; planning runs nothing',
    module: rawModule,
    args: { _raw_params: 'apt-get install -y python3' },
    expect: { changed: true, opaque: true, steps: ['apt-get install -y python3'], undo: null, reads: 0 },
    idempotence: 'a raw line: nothing says what it changed',
  },
  {
    name: 'through executable -c',
    module: rawModule,
    args: { _raw_params: 'echo $0', executable: '/bin/bash' },
    expect: { changed: true, opaque: true, steps: ["/bin/bash -c 'echo $0'"], undo: null, reads: 0 },
    idempotence: 'a raw line: nothing says what it changed',
  },
  {
    name: 'ok once `true` runs',
    module: waitForConnectionModule,
    args: {},
    facts: [[/^true$/, { rc: 0 }]],
    expect: { changed: false },
  },
  {
    name: 'a timeout fails naming the last error',
    module: waitForConnectionModule,
    args: { timeout: 0, sleep: 0 },
    facts: [[/^true$/, { rc: 255, stderr: 'Connection refused' }]],
    expect: { error: /timed out waiting for connection after 0 s: Connection refused/ },
  },
]);
