/**
 * Reaching a lab machine with the system's OpenSSH client, host-key
 * checking on: the lab's key and the lab's known_hosts, nothing from the
 * user's ~/.ssh.
 */
import type { LabInfo } from './info.js';
import { findMachine, type LabState } from './state.js';

export function sshOptions(info: Pick<LabInfo, 'keyPath' | 'knownHostsPath'>): string[] {
  return [
    '-i', info.keyPath,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${info.knownHostsPath}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'ConnectTimeout=5',
    // a killed or partitioned machine must not leave the client waiting forever
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
    '-o', 'LogLevel=ERROR',
    '-F', '/dev/null',
  ];
}

/** argv for `ssh` to `host` (a name like lab1, or an address), running `command` if given. */
export function sshArgv(state: LabState, host: string, command: string[] = [], user = 'root'): string[] {
  const m = findMachine(state, host);
  return ['ssh', ...sshOptions(state), `${user}@${m.address}`, ...command];
}
