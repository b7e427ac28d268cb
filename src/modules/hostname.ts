/**
 * `hostname`: the host's name, in the running kernel and where it is kept
 * across boots. With systemd, `hostnamectl set-hostname` does both; else
 * /etc/hostname is written and `hostname NAME` sets the running name.
 * Undo puts back the old /etc/hostname and the old running name.
 */
import { ModuleError } from '../errors.js';
import { hostnameFact, type HostnameFacts } from '../facts/hostname.js';
import { sh } from '../shell/quote.js';
import { defineModule, type Diff, type Step } from './types.js';

export interface HostnameArgs {
  name: string;
  use?: 'systemd' | 'debian';
}

const HOSTNAME_FILE = '/etc/hostname';
const run = (command: string, description: string): Step => ({ kind: 'exec', command, description });
const writeFile = (text: string): Step => ({ kind: 'put', dest: HOSTNAME_FILE, content: { text }, mode: 0o644, owner: 'root', group: 'root', description: `write ${HOSTNAME_FILE}` });

/** Steps that leave the host named as `facts` say it was. */
export function restoreHostname(facts: HostnameFacts): Step[] {
  return [
    facts.file === undefined ? run(sh`rm -f ${HOSTNAME_FILE}`, `remove ${HOSTNAME_FILE} again`) : writeFile(`${facts.file}\n`),
    run(sh`hostname ${facts.current}`, `set the running hostname back to ${facts.current}`),
  ];
}

export function planHostname(args: HostnameArgs, facts: HostnameFacts) {
  const name = args.name;
  const result = { name };
  if (facts.current === name && facts.file === name) return { changed: false, result };
  const strategy = args.use ?? (facts.systemd ? 'systemd' : 'debian');
  if (strategy === 'systemd' && !facts.systemd) throw new ModuleError('hostname: use=systemd but systemd and hostnamectl are not running on the host');
  const diff: Diff[] = [{ subject: 'hostname', before: facts.current, after: name, kind: 'summary' }];
  if (facts.file !== name) diff.push({ subject: HOSTNAME_FILE, before: facts.file === undefined ? '' : `${facts.file}\n`, after: `${name}\n`, kind: 'content' });
  const steps =
    strategy === 'systemd'
      ? [run(sh`hostnamectl set-hostname ${name}`, `set the hostname to ${name} (hostnamectl)`)]
      : [writeFile(`${name}\n`), run(sh`hostname ${name}`, `set the running hostname to ${name}`)];
  return { changed: true, diff, steps, undo: restoreHostname(facts), result };
}

export const hostnameModule = defineModule<HostnameArgs>({
  name: 'hostname',
  summary: "Set the host's name",
  description:
    'Sets the running hostname and the one kept in /etc/hostname. With systemd (the default when it runs) through ' +
    '`hostnamectl set-hostname`; with `use: debian` (the default without systemd) by writing /etc/hostname and running ' +
    '`hostname NAME`. /etc/hosts is left alone, as in Ansible. Undo puts back the old /etc/hostname and running name.',
  args: {
    name: { type: 'str', required: true, description: 'The new hostname (letters, digits, dots and dashes).' },
    use: {
      type: 'str',
      choices: ['systemd', 'debian'],
      description: 'How to set it: `systemd` (hostnamectl) or `debian` (/etc/hostname and `hostname`); default: systemd when it runs.',
    },
  },
  async plan(ctx, args) {
    if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62}[A-Za-z0-9])?$/.test(args.name)) throw new ModuleError(`hostname: '${args.name}' is not a valid hostname`);
    return planHostname(args, await ctx.gather(hostnameFact, undefined));
  },
});
