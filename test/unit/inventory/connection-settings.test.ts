import test from 'ava';
import { connectionSettings } from '../../../src/inventory/index.js';

test('Ansible connection variables become typed settings', (t) => {
  t.deepEqual(
    connectionSettings(
      {
        ansible_host: '10.0.0.1',
        ansible_port: '2222',
        ansible_user: 'debian',
        ansible_ssh_private_key_file: '~/.ssh/id_ed25519',
        ansible_password: 1234,
        ansible_become: 'yes',
        ansible_become_user: 'root',
        ansible_become_password: 'pw',
        ansible_ssh_common_args: '-o ProxyJump=bastion',
        ezplay_known_hosts_file: '/tmp/kh',
        host_key_checking: 'False',
      },
      'etcd1',
    ),
    {
      transport: 'ssh',
      address: '10.0.0.1',
      port: 2222,
      user: 'debian',
      privateKeyFile: '~/.ssh/id_ed25519',
      password: '1234',
      become: true,
      becomeUser: 'root',
      becomePassword: 'pw',
      sshCommonArgs: '-o ProxyJump=bastion',
      knownHostsFile: '/tmp/kh',
      hostKeyChecking: false,
    },
  );
});

test('old ansible_ssh_* names are accepted and win when both are set, as in Ansible', (t) => {
  const s = connectionSettings({ ansible_ssh_host: 'a', ansible_ssh_port: 22, ansible_ssh_user: 'u', ansible_ssh_pass: 'p', ansible_sudo_pass: 's' }, 'h');
  t.deepEqual(s, { transport: 'ssh', address: 'a', port: 22, user: 'u', password: 'p', becomePassword: 's' });
  t.is(connectionSettings({ ansible_port: 22, ansible_ssh_port: 23 }, 'h').port, 23);
});

test('the host name is the address by default; local transport', (t) => {
  t.deepEqual(connectionSettings({ ansible_connection: 'local' }, 'localhost'), { transport: 'local', address: 'localhost' });
  t.is(connectionSettings({ inventory_hostname: 'etcd1' }).address, 'etcd1');
});

test('bad values are inventory errors', (t) => {
  t.throws(() => connectionSettings({ ansible_port: 'ssh' }, 'h'), { message: /not a port/ });
  t.throws(() => connectionSettings({ ansible_become: 'maybe' }, 'h'), { message: /not a boolean/ });
  t.throws(() => connectionSettings({ ansible_connection: 'winrm' }, 'h'), { message: /not supported/ });
  t.throws(() => connectionSettings({}), { message: /no address/ });
});
