import test from 'ava';
import type { Fingerprint } from '../../../src/facts/fingerprint.js';
import { describeHolder, parseLockAnswer } from '../../../src/engine/host-lock.js';
import { LeftStates } from '../../../src/engine/path-states.js';
import { mismatchOf, restoredWrongly, type LaterChanges } from '../../../src/engine/undo-guard.js';

const v = (hash: string): Fingerprint => ({ type: 'file', mode: '644', uid: 0, gid: 0, hash });
const absent: Fingerprint = { type: 'absent' };

function left(states: Record<string, Fingerprint>): LeftStates {
  const l = new LeftStates();
  l.changing('h1', Object.keys(states));
  l.left('h1', states);
  return l;
}

const laterB: LaterChanges = { lastChangeOf: (target, file) => (target === 'h1' && file === '/f' ? { runId: 'B', playbook: 'site.yml', task: 'config', left: v('b') } : undefined) };

test('a path as the run left it passes', (t) => {
  t.is(mismatchOf('h1', ['/f'], { '/f': v('a') }, { runId: 'A', leftStates: left({ '/f': v('a') }) }), undefined);
});

test('a path a later run changed names that run', (t) => {
  t.is(
    mismatchOf('h1', ['/f'], { '/f': v('b') }, { runId: 'A', leftStates: left({ '/f': v('a') }), later: laterB }),
    "/f on h1 is no longer as run A left it (its content differs): changed by run B (site.yml, task 'config'); left in place (ezplay rollback --force undoes anyway)",
  );
});

test('a later run, then a hand edit', (t) => {
  t.regex(mismatchOf('h1', ['/f'], { '/f': v('c') }, { runId: 'A', leftStates: left({ '/f': v('a') }), later: laterB }) ?? '', /changed by run B \(site\.yml, task 'config'\), and outside ezplay since;/);
});

test('no later run wrote it: changed outside ezplay', (t) => {
  t.regex(mismatchOf('h1', ['/f'], { '/f': absent }, { runId: 'A', leftStates: left({ '/f': v('a') }) }) ?? '', /it is absent, not a file\): changed outside ezplay since run A;/);
});

test('what the run left is unknown (it stopped): only a later run refuses', (t) => {
  const unknown = new LeftStates();
  unknown.changing('h1', ['/f']);
  t.is(mismatchOf('h1', ['/f'], { '/f': v('z') }, { runId: 'A', leftStates: unknown }), undefined);
  t.regex(mismatchOf('h1', ['/f'], { '/f': v('z') }, { runId: 'A', leftStates: unknown, later: laterB }) ?? '', /changed by run B .* after this run: left in place/);
});

test('after an undo: back to before the change, or to before another change of the run; else a failure naming the backup', (t) => {
  // the run changed /f from 0 to 1 (its first change), then 1 to 2, and now undoes the change made from 1
  const first = new Map([['/f', [v('0'), v('1')]]]);
  t.is(restoredWrongly(['/f'], { '/f': v('1') }, { '/f': v('1') }, first), undefined);
  t.is(restoredWrongly(['/f'], { '/f': v('0') }, { '/f': v('1') }, first), undefined);
  t.regex(restoredWrongly(['/f'], { '/f': v('2') }, { '/f': v('1') }, first) ?? '', /the undo did not put \/f back \(its content differs\): the backup it restores from is gone/);
  t.is(restoredWrongly(['/f'], { '/f': v('2') }, undefined, new Map()), undefined, 'nothing recorded: nothing to compare');
});

test('the host lock answers', (t) => {
  const note = { runId: 'R', what: 'ezplay run site.yml', project: '/srv/p', controller: 'ctl', pid: 42, since: 'then' };
  t.deepEqual(parseLockAnswer(`LOCKED\t/run/lock/ezplay.lock\t`), { kind: 'locked', file: '/run/lock/ezplay.lock', previous: undefined });
  t.deepEqual(parseLockAnswer(`LOCKED\t/run/lock/ezplay.lock\t${JSON.stringify(note)}`), { kind: 'locked', file: '/run/lock/ezplay.lock', previous: note });
  t.deepEqual(parseLockAnswer(`BUSY\t/tmp/ezplay.lock\t${JSON.stringify(note)}`), { kind: 'busy', file: '/tmp/ezplay.lock', holder: note });
  t.deepEqual(parseLockAnswer('BUSY\t/tmp/ezplay.lock\tnot json'), { kind: 'busy', file: '/tmp/ezplay.lock', holder: undefined });
  t.deepEqual(parseLockAnswer('UNSUPPORTED\tflock is not installed'), { kind: 'unsupported', why: 'flock is not installed' });
  t.deepEqual(parseLockAnswer(''), { kind: 'unsupported', why: 'the lock command printed nothing' });
  t.is(describeHolder(note), 'ezplay run site.yml (run R, project /srv/p, pid 42 on ctl, since then)');
  t.is(describeHolder(undefined), 'another run');
});
