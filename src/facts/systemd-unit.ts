/**
 * What systemd says about one unit, read in one command and parsed by pure
 * functions (tested from captured `systemctl show` output).
 */
import { sh } from '../shell/quote.js';
import { batchProbe, parseSections, section } from './sections.js';

export type SystemdScope = 'system' | 'user';

export interface UnitFacts {
  /** the full unit name systemd resolved (`etcd` -> `etcd.service`) */
  id: string;
  loadState: string;
  activeState: string;
  subState: string;
  unitFileState: string;
  needDaemonReload: boolean;
  mainPid: number;
  loadError: string;
  /** `systemctl is-enabled` output, empty when it printed nothing */
  isEnabled: string;
  isEnabledRc: number;
  /** every property `show` printed, for the registered result */
  status: Record<string, string>;
}

export const SHOWN_PROPERTIES = [
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'UnitFileState',
  'NeedDaemonReload',
  'MainPID',
  'LoadError',
] as const;

export function scopeFlags(scope: SystemdScope): string[] {
  return scope === 'user' ? ['--user'] : [];
}

export function unitProbeCommand(name: string, scope: SystemdScope): string {
  const flags = scopeFlags(scope);
  return batchProbe([
    { name: 'show', command: sh`systemctl ${[...flags, 'show', '-p', SHOWN_PROPERTIES.join(','), '--', name]} 2>&1` },
    { name: 'is-enabled', command: sh`systemctl ${[...flags, 'is-enabled', '--', name]} 2>/dev/null` },
  ]);
}

/** `Key=Value` lines; the value keeps any `=` it contains. */
export function parseShow(out: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return props;
}

export class SystemctlUnavailable extends Error {}

export function parseUnitFacts(stdout: string, name: string): UnitFacts {
  const s = parseSections(stdout);
  const show = section(s, 'show');
  const status = parseShow(show.out);
  if (show.rc !== 0 || status.LoadState === undefined) {
    throw new SystemctlUnavailable(show.out.trim() || `systemctl show ${name} exited with ${show.rc}`);
  }
  const enabled = section(s, 'is-enabled');
  return {
    id: status.Id || name,
    loadState: status.LoadState,
    activeState: status.ActiveState ?? '',
    subState: status.SubState ?? '',
    unitFileState: status.UnitFileState ?? '',
    needDaemonReload: status.NeedDaemonReload === 'yes',
    mainPid: Number(status.MainPID ?? 0),
    loadError: status.LoadError ?? '',
    isEnabled: enabled.out.trim().split('\n')[0] ?? '',
    isEnabledRc: enabled.rc,
    status,
  };
}

// Answers of `systemctl is-enabled` that mean a unit file exists (man systemctl, systemd 252)
const UNIT_FILE_STATES = new Set([
  'enabled', 'enabled-runtime', 'linked', 'linked-runtime', 'alias', 'masked', 'masked-runtime',
  'static', 'indirect', 'disabled', 'generated', 'transient', 'bad',
]);

/** systemd knows the unit, loaded or only on disk (a new unit file before daemon-reload). */
export function unitFound(f: UnitFacts): boolean {
  return f.loadState !== 'not-found' || UNIT_FILE_STATES.has(f.isEnabled);
}

export function isMasked(f: UnitFacts): boolean {
  return f.loadState === 'masked' || f.isEnabled === 'masked' || f.isEnabled === 'masked-runtime';
}

/**
 * Enabled as Ansible judges it: `is-enabled` succeeds, except for states
 * that `systemctl enable` should still act on.
 */
export function isEnabled(f: UnitFacts): boolean {
  return f.isEnabledRc === 0 && !['enabled-runtime', 'indirect', 'alias'].includes(f.isEnabled);
}

/** Units that have no [Install] section to enable or disable. */
export function cannotBeDisabled(f: UnitFacts): boolean {
  return ['static', 'generated', 'transient'].includes(f.isEnabled);
}

export function isRunning(f: UnitFacts): boolean {
  return f.activeState === 'active' || f.activeState === 'activating' || f.activeState === 'reloading';
}
