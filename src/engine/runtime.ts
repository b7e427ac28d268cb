/**
 * What every task of a play shares: options, the play's variables, the
 * journal, the connection pool, and how to reach a host.
 */
import type { SourcePos } from '../errors.js';
import type { Become, Connection, ConnectionSpec } from '../connection/types.js';
import { connectionSettings, LOCALHOST_NAMES } from '../inventory/index.js';
import type { Play, TaskNode } from '../load/model.js';
import type { InventoryChange } from '../modules/types.js';
import { toBool } from '../modules/args.js';
import { parseBoolean } from '../common/booleans.js';
import type { PlannedState } from '../facts/planned.js';
import type { ConnectionPool } from './connections.js';
import type { HostState } from './host-state.js';
import type { RunJournal } from './journal.js';
import type { RunOptions } from './options.js';
import type { PlayVars } from './play-vars.js';
import type { HostReach } from './reach.js';
import { renderKeyword } from './keyword-value.js';

export interface PlayRuntime {
  options: RunOptions;
  play: Play;
  playIndex: number;
  vars: PlayVars;
  journal: RunJournal;
  /** the one way to reach hosts (reach.ts); pool and controller are its own */
  reach: HostReach;
  pool: ConnectionPool;
  hosts: Map<string, HostState>;
  controller: Connection;
  /** handler names (and listen topics) notified per host */
  notified: Map<string, Set<string>>;
  /** phase name -> milliseconds, summed over hosts */
  phases: Record<string, number>;
  /** --start-at-task for the whole run: cleared once the task is reached, so later batches and plays run in full */
  startAt: { task: string | undefined };
  /** check mode: per target (host name, or the controller), what the tasks planned so far would have made */
  planned: Map<string, PlannedState>;
  /** tasks started with `async` and `poll: 0`, by ansible_job_id, for async_status */
  asyncJobs: Map<string, AsyncJob>;
}

export interface AsyncJob {
  host: string;
  done: Promise<void>;
  /** the task's result once it finished */
  result?: Record<string, unknown>;
}

export function addPhase(rt: PlayRuntime, phase: string, ms: number): void {
  rt.phases[phase] = (rt.phases[phase] ?? 0) + ms;
}

/** The connection spec of a host from its rendered variables. */
/** The `remote_user` keyword of a play or task, rendered with the host's variables; undefined when not written. */
export function remoteUserOf(rt: PlayRuntime, node: { remoteUser?: unknown; pos?: SourcePos | undefined }, vars: Record<string, unknown>): string | undefined {
  const user = renderKeyword(node.remoteUser, (v) => rt.options.templar.renderValue(v, vars, node.pos));
  return user !== undefined ? String(user) : undefined;
}

export function specFor(host: string, vars: Record<string, unknown>, forceLocal = false, remoteUser?: string): ConnectionSpec {
  const settings = connectionSettings(vars, host);
  if (settings.user === undefined && remoteUser !== undefined) settings.user = remoteUser;
  const local = forceLocal || settings.transport === 'local';
  return {
    host,
    transport: local ? 'local' : 'ssh',
    address: settings.address,
    ...(settings.port !== undefined ? { port: settings.port } : {}),
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.privateKeyFile ? { privateKeyFile: settings.privateKeyFile } : {}),
    ...(settings.password ? { password: settings.password } : {}),
    ...(settings.sshCommonArgs ? { sshCommonArgs: settings.sshCommonArgs } : {}),
    ...(settings.knownHostsFile ? { knownHostsFile: settings.knownHostsFile } : {}),
    ...(settings.hostKeyChecking !== undefined ? { hostKeyChecking: settings.hostKeyChecking } : {}),
  };
}

/** Opens (or reuses) the connection for a host, recording how to reach it for `ezplay rollback`. */
export async function connectionFor(rt: PlayRuntime, spec: ConnectionSpec): Promise<Connection> {
  // the controller needs no record: undo reaches it without one (reach.ts)
  if (spec.transport !== 'local' || !LOCALHOST_NAMES.includes(spec.host)) rt.journal.setHost(spec.host, spec);
  return rt.reach.open(spec);
}

/** The inventory host whose ansible_host is `address`, if any. */
function hostWithAddress(rt: PlayRuntime, address: string): string | undefined {
  for (const name of rt.options.inventory.hosts.keys()) {
    if (connectionSettings(rt.vars.resolver(name).view, name).address === address) return name;
  }
  return undefined;
}

/** Where a task runs: the host itself, or its delegate. */
export async function targetFor(
  rt: PlayRuntime,
  task: TaskNode,
  host: string,
  vars: Record<string, unknown>,
  delegateTo: string | undefined,
): Promise<TaskTarget> {
  const forceLocal = task.connection === 'local' || rt.play.connection === 'local';
  if (delegateTo && delegateTo !== host) {
    if (LOCALHOST_NAMES.includes(delegateTo) && !rt.options.inventory.getHost(delegateTo)) {
      return { conn: rt.controller, name: delegateTo, address: IMPLICIT_LOCALHOST_ADDRESS };
    }
    // a name outside the inventory is the host whose address it is, else a host of that name made on the
    // fly, reached with the play's and task's variables only, as Ansible does
    const name = rt.options.inventory.getHost(delegateTo) ? delegateTo : (hostWithAddress(rt, delegateTo) ?? delegateTo);
    const delegateVars = rt.vars.resolver(name, task).view;
    const spec = specFor(name, delegateVars);
    return { conn: await connectionFor(rt, spec), name, address: shownAddress(rt, spec) };
  }
  const spec = specFor(host, vars, forceLocal, remoteUserOf(rt, task, vars));
  return { conn: await connectionFor(rt, spec), name: host, address: shownAddress(rt, spec), ...(spec.user !== undefined ? { user: spec.user } : {}) };
}

/** Where a task runs, and how -vvv names it (`<address> EXEC ...`). */
export interface TaskTarget {
  conn: Connection;
  name: string;
  address: string;
  /** the login user the inventory or play gives, if any */
  user?: string;
}

/** The address Ansible gives the localhost it invents when the inventory has none. */
const IMPLICIT_LOCALHOST_ADDRESS = '127.0.0.1';

function shownAddress(rt: PlayRuntime, spec: ConnectionSpec): string {
  const implicit = LOCALHOST_NAMES.includes(spec.host) && spec.address === spec.host && !rt.options.inventory.hosts.has(spec.host);
  return implicit ? IMPLICIT_LOCALHOST_ADDRESS : spec.address;
}

/**
 * The task's privilege escalation, as Ansible settles it: a variable
 * (`ansible_become`, `ansible_become_user`, from the inventory, the play,
 * the task's `vars`, ...) wins over the `become`/`become_user` keywords,
 * which win over the command line's `-b` and `--become-user`.
 */
export function becomeFor(
  rt: PlayRuntime,
  task: TaskNode,
  host: string,
  vars: Record<string, unknown>,
  render: (v: unknown) => unknown,
): Become | undefined {
  const settings = connectionSettings(vars);
  const cliOnly = commandLineOnly(rt, host, task);
  const variable = cliOnly.has('ansible_become') ? undefined : settings.become;
  const raw = variable ?? renderKeyword(task.become, render) ?? settings.become;
  if (raw === undefined || !toBool(raw)) return undefined;
  const userVariable = cliOnly.has('ansible_become_user') ? undefined : settings.becomeUser;
  const keywordUser = renderKeyword(task.becomeUser, render);
  const user = userVariable ?? (keywordUser !== undefined ? String(keywordUser) : (settings.becomeUser ?? 'root'));
  const password = rt.options.becomePassword ?? settings.becomePassword;
  return { user, ...(password ? { password } : {}), ...(becomeAllowSameUser() ? { sameUser: true } : {}) };
}

/**
 * Ansible's BECOME_ALLOW_SAME_USER (ANSIBLE_BECOME_ALLOW_SAME_USER): sudo
 * even to the login user; off by default, and, as Ansible reads it, off for
 * any value that is not a true one.
 */
export function becomeAllowSameUser(env: NodeJS.ProcessEnv = process.env): boolean {
  return parseBoolean(env.ANSIBLE_BECOME_ALLOW_SAME_USER) === true;
}

/** The become variables that only the command line (`-b`, `--become-user`) sets for this host and task: those yield to keywords. */
function commandLineOnly(rt: PlayRuntime, host: string, task: TaskNode): Set<string> {
  const cli = rt.options.inventory.commandLineVars;
  const names = ['ansible_become', 'ansible_become_user'].filter((name) => Object.hasOwn(cli, name));
  if (!names.length) return new Set();
  const layers = rt.vars.layers(host, task).filter((layer) => layer.vars !== cli);
  return new Set(names.filter((name) => !layers.some((layer) => Object.hasOwn(layer.vars, name))));
}

/**
 * group_by/add_host: the run's inventory gains groups and hosts, as
 * Ansible's in-memory inventory does; the files stay as they are.
 */
export function applyInventoryChange(rt: PlayRuntime, change: InventoryChange): void {
  const inventory = rt.options.inventory;
  for (const group of change.groups) {
    inventory.addGroup(group.name);
    for (const parent of group.parents) if (parent !== 'all') inventory.addChild(parent, group.name);
  }
  for (const host of change.hosts) {
    if (host.groups.length === 0 && !inventory.getHost(host.name)) inventory.addHost(host.name);
    for (const group of host.groups) inventory.addHost(host.name, group);
    if (Object.keys(host.vars).length) inventory.setHostVars(host.name, host.vars);
  }
  rt.vars.inventoryChanged();
}
