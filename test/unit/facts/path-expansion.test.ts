import { spawnSync } from 'node:child_process';
import test from 'ava';
import {
  expandHostPath,
  expandUser,
  expandVariables,
  needsHostExpansion,
  pathExpansionCommand,
  pathExpansionFact,
  userHomeFact,
} from '../../../src/facts/path-expansion.js';
import type { Fact } from '../../../src/facts/types.js';

test('path expansion: variables as os.path.expandvars replaces them, unset ones left as written', (t) => {
  const vars = { HOME: '/root', X: 'a b', NOPE: null };
  t.is(expandVariables('$HOME/.ssh/k', vars), '/root/.ssh/k');
  t.is(expandVariables('${HOME}x/$X', vars), '/rootx/a b');
  t.is(expandVariables('/srv/$NOPE/${NOPE}', vars), '/srv/$NOPE/${NOPE}');
  t.is(expandVariables('/plain/$', vars), '/plain/$');
});

test('path expansion: ~ and ~user as os.path.expanduser gives them', (t) => {
  t.is(expandUser('~/x', '/home/u'), '/home/u/x');
  t.is(expandUser('~', '/home/u/'), '/home/u');
  t.is(expandUser('~/x', '/'), '/x');
  t.is(expandUser('~nobody/x', null), '~nobody/x');
  t.is(expandUser('/abs/~', '/home/u'), '/abs/~');
});

test('path expansion: only a path with $ or a leading ~ costs a round trip', (t) => {
  t.false(needsHostExpansion('/etc/hosts'));
  t.false(needsHostExpansion('a~b'));
  t.true(needsHostExpansion('~/x'));
  t.true(needsHostExpansion('$HOME/x'));
});

test('path expansion: the command, run by a shell, reads the variables and the home', async (t) => {
  const run = (command: string) => {
    const r = spawnSync('sh', ['-c', command], { env: { ...process.env, HOME: '/h/me', EZ_ODD: 'v\nw' }, encoding: 'utf8' });
    return { stdout: r.stdout, stderr: r.stderr, rc: r.status ?? 1 };
  };
  const gather = async <A, T>(fact: Fact<A, T>, args: A): Promise<T> => fact.parse(run(fact.command(args)), args);
  t.is(await expandHostPath(gather, '$HOME/.ssh/authorized_keys'), '/h/me/.ssh/authorized_keys');
  t.is(await expandHostPath(gather, '~/${EZ_ODD}/$EZ_UNSET_VAR'), '/h/me/v\nw/$EZ_UNSET_VAR');
  t.is(await expandHostPath(gather, '~root/x'), '/root/x');
  t.is(await expandHostPath(gather, '~no-such-user-ez/x'), '~no-such-user-ez/x');
  t.regex(pathExpansionCommand({ path: "$a'b" }), /printenv -- a/);
  t.throws(() => pathExpansionFact.parse({ stdout: '', stderr: 'boom', rc: 1 }, { path: '$X' }), { message: /boom/ });
  t.is(userHomeFact.parse({ stdout: '', stderr: '', rc: 2 }, { user: 'x' }), null);
});
