/**
 * Pure planning for the `user` module: wanted arguments + facts -> diff,
 * steps and the exact undo. Commands are shadow's useradd/usermod/userdel
 * as Debian 12 ships them.
 */
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import type { Diff, Plan, Step } from './types.js';
import type { PasswdEntry, UserFacts } from '../facts/users.js';
import { checkPasswordHash, planPasswordChange, setPasswordStep } from './user-password.js';

export interface UserArgs {
  name: string;
  state: 'present' | 'absent';
  system: boolean;
  shell?: string;
  home?: string;
  create_home: boolean;
  move_home: boolean;
  group?: string;
  groups?: string[];
  append: boolean;
  comment?: string;
  uid?: number;
  password_lock?: boolean;
  /** a crypted hash (`$6$...`), never plain text in logs */
  password?: string;
  update_password: 'always' | 'on_create';
  remove: boolean;
  force: boolean;
}

const run = (command: string, description: string): Step => ({ kind: 'exec', command, description });
const summary = (subject: string, before: string, after: string): Diff => ({ subject, before, after, kind: 'summary' });

/** The registered result: the account as it is (or will be). */
export function userResult(name: string, e: PasswdEntry | undefined, groups: string[]): Record<string, unknown> {
  if (!e) return { name, state: 'absent' };
  return { name, state: 'present', uid: e.uid, group: e.gid, comment: e.comment, home: e.home, shell: e.shell, groups: groups.join(',') };
}

function requireGroups(a: UserArgs, facts: UserFacts): void {
  for (const g of [...(a.group ? [a.group] : []), ...(a.groups ?? [])]) {
    if (!facts.knownGroups.has(g) && !/^\d+$/.test(g)) throw new ModuleError(`Group ${g} does not exist`);
  }
}

/** A group that exists before userdel and would be deleted by it (USERGROUPS_ENAB): recreate it. */
function keepGroupStep(name: string, gid: number): Step {
  return run(sh`getent group -- ${name} >/dev/null || groupadd -g ${gid} -- ${name}`, `recreate group ${name} (gid ${gid}) if userdel removed it`);
}

export function planCreate(a: UserArgs, facts: UserFacts): Plan {
  requireGroups(a, facts);
  const home = a.home ?? `/home/${a.name}`;
  const flags: Array<string | number> = [];
  if (a.uid !== undefined) flags.push('-u', a.uid);
  // Unlike Ansible's -N, an existing group named like the user becomes its primary group
  const primary = a.group ?? (facts.knownGroups.has(a.name) ? a.name : undefined);
  if (primary !== undefined) flags.push('-g', primary);
  const supplementary = (a.groups ?? []).filter((g) => g !== primary);
  if (supplementary.length) flags.push('-G', supplementary.join(','));
  if (a.comment !== undefined) flags.push('-c', a.comment);
  if (a.home !== undefined) flags.push('-d', a.home);
  if (a.shell !== undefined) flags.push('-s', a.shell);
  if (a.system) flags.push('-r');
  flags.push(a.create_home ? '-m' : '-M');
  const steps = [run(sh`useradd ${flags} -- ${a.name}`, `create user ${a.name}`)];
  const warnings: string[] = [];
  if (a.password !== undefined) {
    checkPasswordHash(a.name, a.password, warnings);
    steps.push(setPasswordStep(a.name, a.password));
  }
  if (a.password_lock) steps.push(run(sh`usermod -L -- ${a.name}`, `lock the password of ${a.name}`));

  // Undo removes only what we create: the home only if it did not exist before
  const createsHome = a.create_home && !facts.homeExists;
  const undo = [run(sh`userdel ${[...(createsHome ? ['-r'] : []), '--', a.name]}`, `remove user ${a.name}${createsHome ? ` and ${home}` : ''}`)];
  const ownGroupGid = primary === a.name ? facts.knownGroups.get(a.name) : undefined;
  if (ownGroupGid !== undefined) undo.push(keepGroupStep(a.name, ownGroupGid));

  const details = [
    ...(a.system ? ['system'] : []),
    ...(a.uid !== undefined ? [`uid ${a.uid}`] : []),
    ...(primary !== undefined ? [`group ${primary}`] : []),
    ...(a.shell !== undefined ? [a.shell] : []),
    ...(a.home !== undefined ? [a.home] : []),
  ];
  const after = details.length ? `present (${details.join(', ')})` : 'present';
  return {
    changed: true,
    diff: [summary(`user ${a.name}`, 'absent', after)],
    steps,
    undo,
    result: { name: a.name, state: 'present', system: a.system, create_home: a.create_home, home },
    ...(warnings.length ? { warnings } : {}),
  };
}

export function planRemoval(a: UserArgs, facts: UserFacts): Plan {
  const e = facts.entry;
  if (!e) return { changed: false, result: { name: a.name, state: 'absent' } };
  const flags = [...(a.remove ? ['-r'] : []), ...(a.force ? ['-f'] : [])];
  const undo: Step[] = [];
  const primary = facts.primaryGroup;
  if (primary === a.name) undo.push(keepGroupStep(a.name, e.gid));
  // -r keeps useradd from warning that a system uid is outside UID_MIN..UID_MAX
  const recreate: Array<string | number> = [...(e.uid < 1000 ? ['-r'] : []), '-u', e.uid, '-g', e.gid];
  if (facts.groups.length) recreate.push('-G', facts.groups.join(','));
  recreate.push('-c', e.comment, '-d', e.home, '-s', e.shell);
  // with remove the old home is gone: give back an empty one, its files cannot come back
  recreate.push(a.remove ? '-m' : '-M');
  undo.push(run(sh`useradd ${recreate} -- ${a.name}`, `recreate user ${a.name} (uid ${e.uid})`));
  return {
    changed: true,
    diff: [summary(`user ${a.name}`, 'present', a.remove ? `absent (${e.home} removed)` : 'absent')],
    steps: [run(sh`userdel ${[...flags, '--', a.name]}`, `remove user ${a.name}`)],
    undo,
    result: { name: a.name, state: 'absent', ...(a.remove ? { remove: true } : {}) },
  };
}

function passwordLockChange(a: UserArgs, facts: UserFacts, warnings: string[]) {
  const state = facts.password;
  if (a.password_lock === undefined || state === undefined) return undefined;
  const locked = state === 'locked' || state === 'locked-empty';
  if (a.password_lock === locked) return undefined;
  if (!a.password_lock && state === 'locked-empty') {
    // usermod -U refuses (and still exits 0): unlocking would leave no password at all
    warnings.push(`${a.name} has no password to unlock; set one first`);
    return undefined;
  }
  const [act, back] = a.password_lock ? ['-L', '-U'] : ['-U', '-L'];
  return {
    diff: summary(`user ${a.name} password`, locked ? 'locked' : 'unlocked', a.password_lock ? 'locked' : 'unlocked'),
    step: run(sh`usermod ${act} -- ${a.name}`, `${a.password_lock ? 'lock' : 'unlock'} the password of ${a.name}`),
    undo: run(sh`usermod ${back} -- ${a.name}`, `${a.password_lock ? 'unlock' : 'lock'} the password of ${a.name} again`),
  };
}

function sameGroup(wanted: string, name: string | undefined, gid: number): boolean {
  return wanted === name || wanted === String(gid);
}

export function planModify(a: UserArgs, facts: UserFacts, runId: string): Plan {
  const e = facts.entry as PasswdEntry;
  requireGroups(a, facts);
  const diff: Diff[] = [];
  const flags: Array<string | number> = [];
  const back: Array<string | number> = [];
  const subject = `user ${a.name}`;
  const change = (what: string, before: string, after: string, flag: string[], undoFlag: string[]) => {
    diff.push(summary(`${subject} ${what}`, before, after));
    flags.push(...flag);
    back.push(...undoFlag);
  };
  if (a.uid !== undefined && a.uid !== e.uid) change('uid', `${e.uid}`, `${a.uid}`, ['-u', `${a.uid}`], ['-u', `${e.uid}`]);
  if (a.group !== undefined && !sameGroup(a.group, facts.primaryGroup, e.gid)) {
    change('group', facts.primaryGroup ?? `${e.gid}`, a.group, ['-g', a.group], ['-g', `${e.gid}`]);
  }
  if (a.groups !== undefined) {
    const primary = a.group ?? facts.primaryGroup;
    const wanted = a.groups.filter((g) => g !== primary);
    const current = new Set(facts.groups);
    const missing = wanted.filter((g) => !current.has(g));
    const extra = a.append ? [] : facts.groups.filter((g) => !wanted.includes(g));
    if (missing.length || extra.length) {
      const after = a.append ? [...facts.groups, ...missing] : wanted;
      const flag = a.append ? ['-a', '-G', missing.join(',')] : ['-G', wanted.join(',')];
      change('groups', facts.groups.join(',') || '(none)', after.join(',') || '(none)', flag, ['-G', facts.groups.join(',')]);
    }
  }
  if (a.comment !== undefined && a.comment !== e.comment) change('comment', e.comment, a.comment, ['-c', a.comment], ['-c', e.comment]);
  if (a.home !== undefined && a.home !== e.home) {
    const move = a.move_home ? ['-m'] : [];
    change('home', e.home, a.home, ['-d', a.home, ...move], ['-d', e.home, ...move]);
  }
  if (a.shell !== undefined && a.shell !== e.shell) change('shell', e.shell, a.shell, ['-s', a.shell], ['-s', e.shell]);

  const steps: Step[] = [];
  const undo: Step[] = [];
  const warnings: string[] = [];
  if (flags.length) {
    steps.push(run(sh`usermod ${flags} -- ${a.name}`, `modify user ${a.name}`));
    undo.push(run(sh`usermod ${back} -- ${a.name}`, `restore user ${a.name}`));
  }
  const cleanup: Step[] = [];
  const password = planPasswordChange(a.name, a.password, a.update_password, facts, runId, warnings);
  if (password) {
    diff.push(password.diff);
    steps.push(...password.steps);
    undo.unshift(...password.undo);
    cleanup.push(...password.cleanup);
  }
  const lock = passwordLockChange(a, facts, warnings);
  if (lock) {
    diff.push(lock.diff);
    steps.push(lock.step);
    undo.unshift(lock.undo);
  }
  const result = userResult(a.name, e, facts.groups);
  const warned = warnings.length ? { warnings } : {};
  if (!steps.length) return { changed: false, result, ...warned };
  return { changed: true, diff, steps, undo, result, ...warned, ...(cleanup.length ? { cleanup } : {}) };
}
