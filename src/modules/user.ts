/**
 * `user`: Ansible's user module for the everyday case of service accounts
 * (etcd runs as a system user with no login shell).
 */
import { defineModule } from './types.js';
import { planCreate, planModify, planRemoval, userResult, type UserArgs } from './user-changes.js';
import type { PlannedEffect } from '../facts/planned.js';
import { userFact } from '../facts/users.js';

export const user = defineModule<UserArgs>({
  name: 'user',
  summary: 'Create, change or remove a user account',
  description:
    'Manages a local account with useradd, usermod and userdel. Undo removes a user it created ' +
    '(and its home only when the home was created by this task), puts changed attributes back with ' +
    'usermod, and recreates a removed user with its old uid, groups, comment, home and shell ' +
    '(a removed home directory and the password hash cannot be brought back). ' +
    'When `group` is not given and a group named like the user exists, that group becomes the ' +
    "primary group (Ansible would pass -N and use the system's default group instead).",
  args: {
    name: { type: 'str', required: true, aliases: ['user'], description: 'Name of the user.' },
    state: {
      type: 'str',
      default: 'present',
      choices: ['present', 'absent'],
      description: 'Whether the account should exist.',
    },
    system: {
      type: 'bool',
      default: false,
      description: 'Create a system account (useradd -r: uid from the system range). Ignored for an existing user.',
    },
    shell: { type: 'str', description: 'Login shell, e.g. /usr/sbin/nologin for a service account.' },
    home: { type: 'path', description: "Home directory; useradd's default is /home/NAME." },
    create_home: {
      type: 'bool',
      default: true,
      aliases: ['createhome'],
      description: 'Create the home directory when creating the user (useradd -m; false gives -M).',
    },
    move_home: {
      type: 'bool',
      default: false,
      description: 'When `home` changes, move the old home directory to the new place (usermod -m).',
    },
    group: { type: 'str', description: 'Primary group (name or gid); it must exist.' },
    groups: {
      type: 'list',
      elements: 'str',
      description: 'Supplementary groups; an empty list removes all of them unless `append` is true. They must exist.',
    },
    append: {
      type: 'bool',
      default: false,
      description: 'Add the user to `groups` and keep its other groups (otherwise `groups` is the exact set).',
    },
    comment: { type: 'str', description: 'The GECOS field (full name or purpose).' },
    uid: { type: 'int', description: 'User id.' },
    password_lock: {
      type: 'bool',
      description: 'Lock (true, usermod -L) or unlock (false, usermod -U) the password; unset leaves it alone.',
    },
    password: {
      type: 'str',
      noLog: true,
      description:
        'A crypted hash (`$6$...`, as `mkpasswd -m sha-512` or `openssl passwd -6` print it), set with `chpasswd -e` through stdin: ' +
        'it never appears in a command line, a diff or the journal. Compared on the host by its sha256. ' +
        'Undo puts the old hash back from a root-only copy on the host.',
    },
    update_password: {
      type: 'str',
      default: 'always',
      choices: ['always', 'on_create'],
      description: '`always` sets `password` whenever it differs; `on_create` only for a user this task creates.',
    },
    remove: {
      type: 'bool',
      default: false,
      description: 'With state=absent, also remove the home directory and mail spool (userdel -r).',
    },
    force: {
      type: 'bool',
      default: false,
      description: 'With state=absent, remove the user even while it is logged in (userdel -f).',
    },
  },
  async plan(ctx, args) {
    const facts = await ctx.gather(userFact, {
      name: args.name,
      groups: [...(args.group ? [args.group] : []), ...(args.groups ?? [])],
      home: args.home ?? `/home/${args.name}`,
      withLock: args.state === 'present' && args.password_lock !== undefined,
      withPasswordDigest: args.state === 'present' && args.password !== undefined && args.update_password === 'always',
    });
    const plan = args.state === 'absent' ? planRemoval(args, facts) : facts.entry ? planModify(args, facts, ctx.runId) : planCreate(args, facts);
    if (!plan.changed) return plan;
    const primary = args.group ?? facts.primaryGroup ?? (facts.knownGroups.has(args.name) ? args.name : undefined);
    const effect: PlannedEffect = {
      kind: 'user',
      name: args.name,
      exists: args.state === 'present',
      ...(primary !== undefined ? { group: primary } : {}),
      ...(args.home !== undefined ? { home: args.home } : {}),
      ...(args.shell !== undefined ? { shell: args.shell } : {}),
      ...(args.comment !== undefined ? { comment: args.comment } : {}),
    };
    // a created account's uid, group and home are the host's to choose: read once it exists, as Ansible reports them
    const afterApply =
      args.state === 'present' && !facts.entry
        ? async () => {
            try {
              const made = await ctx.gather(userFact, { name: args.name, groups: [], home: args.home ?? `/home/${args.name}`, withLock: false, withPasswordDigest: false }, { fresh: true });
              return made.entry ? userResult(args.name, made.entry, made.groups) : {};
            } catch {
              return {};
            }
          }
        : undefined;
    return { ...plan, effects: [effect], ...(afterApply ? { afterApply } : {}) };
  },
});
