/**
 * The module kit: what every module that writes files uses, so that all of
 * them back up, restore, set attributes and write atomically the same way.
 *   backup.ts      the run's backups, outside live folders; restore; removal
 *   attributes.ts  mode, owner and group: diff, steps, undo, argument schema
 *   content.ts     a file's bytes, written atomically
 *   flags.ts       lsattr flags (Ansible's `attributes`): chattr and its undo
 *   selinux.ts     SELinux contexts (seuser, serole, setype, selevel): chcon and its undo
 */
export * from './attributes.js';
export * from './backup.js';
export * from './content.js';
export * from './flags.js';
export * from './selinux.js';
