/**
 * Pure planning for `systemd`/`service`: wanted state + unit facts -> diff,
 * steps and undo, in Ansible's order (daemon-reload, mask, enable, state).
 */
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import type { Diff, Plan, Step } from './types.js';
import {
  cannotBeDisabled,
  isEnabled,
  isMasked,
  isRunning,
  scopeFlags,
  unitFound,
  type SystemdScope,
  type UnitFacts,
} from '../facts/systemd-unit.js';

export type ServiceState = 'started' | 'stopped' | 'restarted' | 'reloaded';

export interface SystemdArgs {
  name?: string;
  state?: ServiceState;
  enabled?: boolean;
  masked?: boolean;
  daemon_reload: boolean;
  daemon_reexec: boolean;
  scope: SystemdScope;
  no_block: boolean;
  force: boolean;
}

interface Change {
  diff: Diff;
  step: Step;
  undo: Step | undefined;
}

export function systemctl(scope: SystemdScope, args: ReadonlyArray<string>, description: string): Step {
  return { kind: 'exec', command: sh`systemctl ${[...scopeFlags(scope), ...args]}`, description };
}

/** daemon-reload and daemon-reexec alone, with no unit named. */
export function planDaemonOnly(a: SystemdArgs): Plan {
  const steps: Step[] = [];
  const diff: Diff[] = [];
  if (a.daemon_reexec) {
    steps.push(systemctl(a.scope, ['daemon-reexec'], 're-execute the systemd manager'));
    diff.push({ subject: 'systemd', before: 'running', after: 're-executed', kind: 'summary' });
  }
  if (a.daemon_reload) {
    steps.push(systemctl(a.scope, ['daemon-reload'], 'reload unit files'));
    diff.push({ subject: 'systemd', before: 'unit files as loaded', after: 'unit files reloaded', kind: 'summary' });
  }
  if (!steps.length) throw new ModuleError('systemd: name is required unless daemon_reload or daemon_reexec is true');
  return { changed: true, diff, steps, undo: [] };
}

function maskChange(a: SystemdArgs, f: UnitFacts): Change | undefined {
  if (a.masked === undefined || a.masked === isMasked(f)) return undefined;
  const force = a.force ? ['--force'] : [];
  const [act, back] = a.masked ? ['mask', 'unmask'] : ['unmask', 'mask'];
  return {
    diff: { subject: f.id, before: a.masked ? 'unmasked' : 'masked', after: a.masked ? 'masked' : 'unmasked', kind: 'summary' },
    step: systemctl(a.scope, [act, ...(a.masked ? force : []), '--', f.id], `${act} ${f.id}`),
    undo: systemctl(a.scope, [back, '--', f.id], `${back} ${f.id} again`),
  };
}

function enableChange(a: SystemdArgs, f: UnitFacts, warnings: string[]): Change | undefined {
  if (a.enabled === undefined) return undefined;
  const enabled = isEnabled(f);
  if (a.enabled === enabled) return undefined;
  if (!a.enabled && cannotBeDisabled(f)) {
    warnings.push(`${f.id} is ${f.isEnabled}: it has no [Install] section, so there is nothing to disable`);
    return undefined;
  }
  const force = a.force ? ['--force'] : [];
  const [act, back] = a.enabled ? ['enable', 'disable'] : ['disable', 'enable'];
  const before = f.isEnabled || (enabled ? 'enabled' : 'disabled');
  return {
    diff: { subject: f.id, before, after: a.enabled ? 'enabled' : 'disabled', kind: 'summary' },
    step: systemctl(a.scope, [act, ...force, '--', f.id], `${act} ${f.id}`),
    undo: systemctl(a.scope, [back, '--', f.id], `${back} ${f.id} again`),
  };
}

function stateChange(a: SystemdArgs, f: UnitFacts): Change | undefined {
  if (a.state === undefined) return undefined;
  const running = isRunning(f);
  let action: 'start' | 'stop' | 'restart' | 'reload' | undefined;
  if (a.state === 'stopped') action = running || f.activeState === 'deactivating' ? 'stop' : undefined;
  else if (!running) action = 'start';
  else if (a.state === 'restarted') action = 'restart';
  else if (a.state === 'reloaded') action = 'reload';
  if (!action) return undefined;
  const noBlock = a.no_block ? ['--no-block'] : [];
  const after = action === 'stop' ? 'inactive' : action === 'start' ? 'active' : `active (${action}ed)`;
  // a restart or reload leaves the unit running as before: there is nothing to take back
  const undo =
    action === 'start'
      ? systemctl(a.scope, ['stop', '--', f.id], `stop ${f.id} again`)
      : action === 'stop'
        ? systemctl(a.scope, ['start', '--', f.id], `start ${f.id} again`)
        : undefined;
  return {
    diff: { subject: f.id, before: f.activeState, after, kind: 'summary' },
    step: systemctl(a.scope, [action, ...noBlock, '--', f.id], `${action} ${f.id}`),
    undo,
  };
}

export function unitResult(a: SystemdArgs, f: UnitFacts): Record<string, unknown> {
  return {
    name: a.name,
    ...(a.state !== undefined ? { state: a.state === 'stopped' ? 'stopped' : 'started' } : {}),
    ...(a.enabled !== undefined ? { enabled: a.enabled } : {}),
    status: f.status,
  };
}

export function planUnit(a: SystemdArgs, f: UnitFacts): Plan {
  const name = a.name ?? f.id;
  if (!unitFound(f) && (a.state !== undefined || a.enabled !== undefined)) {
    // the same words as Ansible, so existing `failed_when` conditions keep working
    throw new ModuleError(`Could not find the requested service ${name}: host`, { name, status: f.status });
  }
  if (f.loadError && unitFound(f) && !isMasked(f) && f.loadState !== 'loaded') {
    throw new ModuleError(`Error loading unit file '${name}': ${f.loadError}`, { name, status: f.status });
  }
  const warnings: string[] = [];
  const mask = maskChange(a, f);
  const changes = [mask, enableChange(a, f, warnings), stateChange(a, f)].filter((c): c is Change => !!c);

  const reloadNeeded = a.daemon_reload && (f.needDaemonReload || changes.length > 0);
  if (!a.daemon_reload && f.needDaemonReload && changes.length) {
    warnings.push(`${f.id} changed on disk; add daemon_reload: true to load the new unit file`);
  }
  if (!changes.length && !reloadNeeded && !a.daemon_reexec) {
    return { changed: false, result: unitResult(a, f), ...(warnings.length ? { warnings } : {}) };
  }
  const steps: Step[] = [];
  const diff: Diff[] = [];
  if (a.daemon_reexec) steps.push(systemctl(a.scope, ['daemon-reexec'], 're-execute the systemd manager'));
  if (reloadNeeded) {
    steps.push(systemctl(a.scope, ['daemon-reload'], 'reload unit files'));
    if (f.needDaemonReload) diff.push({ subject: f.id, before: 'unit file changed on disk', after: 'reloaded', kind: 'summary' });
  }
  for (const c of changes) {
    steps.push(c.step);
    diff.push(c.diff);
  }
  // undo runs newest first, except that a unit we masked is unmasked before anything else can start it
  const undo = changes
    .filter((c) => c !== mask)
    .reverse()
    .map((c) => c.undo)
    .filter((s): s is Step => !!s);
  if (mask?.undo) {
    if (a.masked) undo.unshift(mask.undo);
    else undo.push(mask.undo);
  }
  return { changed: true, diff, steps, undo, result: unitResult(a, f), ...(warnings.length ? { warnings } : {}) };
}
