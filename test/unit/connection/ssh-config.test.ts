import test from 'ava';
import SSHConfig from 'ssh-config';
import {
  expandTokens,
  mergeSettings,
  parseProxyJump,
  parseSshCommonArgs,
  settingsFromConfig,
  splitShellWords,
} from '../../../src/connection/ssh-config.js';
import { ConnectionError } from '../../../src/errors.js';

test('shell words: quotes, escapes, no expansion', (t) => {
  t.deepEqual(splitShellWords(`-o 'ProxyJump a@b' -o "User=x y" a\\ b $HOME`), ['-o', 'ProxyJump a@b', '-o', 'User=x y', 'a b', '$HOME']);
  t.deepEqual(splitShellWords('  '), []);
  t.deepEqual(splitShellWords(`''`), ['']);
  t.throws(() => splitShellWords(`-o 'open`), { instanceOf: ConnectionError });
});

test('common args as Ansible users write them', (t) => {
  const parsed = parseSshCommonArgs(
    `-o ProxyJump=ops@bastion:2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ` +
      `-o ControlMaster=auto -o ControlPersist=60s -oPort=2200 -i ~/.ssh/etcd -o ConnectTimeout=5 -o ServerAliveInterval=30`,
  );
  t.is(parsed.proxyJump, 'ops@bastion:2222');
  t.is(parsed.strictHostKeyChecking, 'no');
  t.deepEqual(parsed.userKnownHostsFiles, ['/dev/null']);
  t.is(parsed.port, 2200);
  t.deepEqual(parsed.identityFiles, ['~/.ssh/etcd']);
  t.is(parsed.connectTimeoutMs, 5000);
  t.is(parsed.serverAliveIntervalMs, 30000);
  t.deepEqual(parsed.ignored, ['-o ControlMaster=auto', '-o ControlPersist=60s']);
});

test('other spellings: -J, "Key value", -l, -p, -F, ProxyCommand', (t) => {
  const parsed = parseSshCommonArgs(`-J a@b -o 'ProxyCommand ssh -W %h:%p jump' -l admin -p 2022 -F /etc/ezplay/ssh_config`);
  t.is(parsed.proxyJump, 'a@b');
  t.is(parsed.proxyCommand, 'ssh -W %h:%p jump');
  t.is(parsed.user, 'admin');
  t.is(parsed.port, 2022);
  t.is(parsed.configFile, '/etc/ezplay/ssh_config');
  t.deepEqual(parseSshCommonArgs(undefined), { ignored: [] });
});

test('the first value of an option wins, as in ssh', (t) => {
  t.is(parseSshCommonArgs('-o User=first -o User=second').user, 'first');
});

test('bad values fail with the source named', (t) => {
  t.throws(() => parseSshCommonArgs('-o Port=http'), { message: /bad port "http" in ansible_ssh_common_args/ });
  t.throws(() => parseSshCommonArgs('-o'), { message: /-o needs a value/ });
});

test('ProxyJump hops', (t) => {
  t.deepEqual(parseProxyJump('ops@bastion:2222'), [{ user: 'ops', host: 'bastion', port: 2222 }]);
  t.deepEqual(parseProxyJump('bastion'), [{ user: undefined, host: 'bastion', port: undefined }]);
  t.deepEqual(parseProxyJump('a@one,ssh://b@two:22'), [
    { user: 'a', host: 'one', port: undefined },
    { user: 'b', host: 'two', port: 22 },
  ]);
  t.deepEqual(parseProxyJump('[fd00::1]:2200'), [{ user: undefined, host: 'fd00::1', port: 2200 }]);
  t.deepEqual(parseProxyJump('none'), []);
});

test('~/.ssh/config through compute(): first match wins, identity files add up', (t) => {
  const config = SSHConfig.parse([
    'Host etcd-*',
    '  HostName %h.internal',
    '  Port 2200',
    '  IdentityFile ~/.ssh/etcd',
    '  ProxyJump bastion',
    'Host *',
    '  User ops',
    '  Port 22',
    '  IdentityFile ~/.ssh/id_ed25519',
    '  StrictHostKeyChecking accept-new',
  ].join('\n'));
  const s = settingsFromConfig(config, 'etcd-1');
  t.is(s.hostName, '%h.internal');
  t.is(s.port, 2200);
  t.is(s.user, 'ops');
  t.is(s.proxyJump, 'bastion');
  t.is(s.strictHostKeyChecking, 'accept-new');
  t.deepEqual(s.identityFiles, ['~/.ssh/etcd', '~/.ssh/id_ed25519']);
  t.deepEqual(settingsFromConfig(undefined, 'x'), {});
});

test('inventory beats common args beats config; identity files add up', (t) => {
  const merged = mergeSettings({ port: 2022, identityFiles: ['/inv'] }, { port: 1, user: 'args', identityFiles: ['/args'] }, { user: 'config', proxyJump: 'b' });
  t.deepEqual(merged, { port: 2022, identityFiles: ['/inv', '/args'], user: 'args', proxyJump: 'b' });
});

test('tokens and ~ expand', (t) => {
  t.is(expandTokens('%h.internal:%p %r %%', { host: 'etcd-1', port: 2200, user: 'ops' }), 'etcd-1.internal:2200 ops %');
  t.false(expandTokens('~/.ssh/id', { host: 'h', port: 22, user: 'u' }).startsWith('~'));
});
