/**
 * `services`: every systemd service with its state and unit-file status, as
 * Ansible's service_facts reads them: `systemctl list-units` for the loaded
 * units, `list-unit-files` for the rest, and the ActiveState of the units
 * not loaded, all in one command. A host whose PID 1 is not systemd has none.
 */
import { FactError, defineFact } from './types.js';

export interface ServiceEntry {
  name: string;
  /** running, stopped, or (for a unit not loaded) its ActiveState, `unknown` when systemd cannot say */
  state: string;
  /** the unit file's status (enabled, disabled, static, ...), or not-found, masked, failed */
  status: string;
  source: 'systemd';
}

const BAD_STATES = ['not-found', 'masked', 'failed'];
const FLAGS = '--no-pager --no-legend --plain --type=service --all';

export const SERVICES_COMMAND =
  `if ! grep -q systemd /proc/1/comm 2>/dev/null || ! command -v systemctl >/dev/null 2>&1; then echo @@no-systemd; exit 0; fi; ` +
  `export LC_ALL=C; echo @@units; systemctl list-units ${FLAGS} || echo @@failed; ` +
  `echo @@files; files=$(systemctl list-unit-files ${FLAGS}) || echo @@failed; printf '%s\\n' "$files"; ` +
  // one `systemctl show` for every unit file that is not a template (which show refuses)
  `echo @@show; printf '%s\\n' "$files" | awk '$1 ~ /\\.service$/ && $1 !~ /@\\.service$/ {print $1}' | xargs -r systemctl show --property=Id,ActiveState -- 2>/dev/null; true`;

function sections(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const marker = /^@@([a-z-]+)$/.exec(line)?.[1];
    if (marker === 'failed') throw new FactError('systemctl: listing the services failed');
    if (marker) out.set(marker, (current = []));
    else current?.push(line);
  }
  return out;
}

/** ActiveState by unit, from `systemctl show` blocks (Id=, ActiveState=, a blank line between units). */
function activeStates(lines: string[]): Map<string, string> {
  const states = new Map<string, string>();
  let block: Record<string, string> = {};
  const close = () => {
    if (block.Id !== undefined && block.ActiveState !== undefined) states.set(block.Id, block.ActiveState);
    block = {};
  };
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (line === '') close();
    else if (eq > 0) block[line.slice(0, eq)] = line.slice(eq + 1);
  }
  close();
  return states;
}

export function parseServices(stdout: string): Record<string, ServiceEntry> | undefined {
  const parts = sections(stdout);
  if (parts.has('no-systemd')) return undefined;
  const services: Record<string, ServiceEntry> = {};
  for (const line of parts.get('units') ?? []) {
    const [name, load = '', active = '', sub = ''] = line.trim().replace(/^●\s*/, '').split(/\s+/);
    if (!name?.includes('.service')) continue;
    const bad = [load, active, sub].find((f) => BAD_STATES.includes(f));
    services[name] = { name, state: sub === 'running' ? 'running' : 'stopped', status: bad ?? active, source: 'systemd' };
  }
  const shown = activeStates(parts.get('show') ?? []);
  for (const line of parts.get('files') ?? []) {
    const [name, status] = line.trim().split(/\s+/);
    if (!name?.includes('.service')) continue;
    if (status === undefined) throw new FactError(`Malformed output discovered from systemd list-unit-files: ${line}`);
    const known = services[name];
    if (!known) services[name] = { name, state: shown.get(name) ?? 'unknown', status, source: 'systemd' };
    else if (!BAD_STATES.includes(known.status)) known.status = status;
  }
  return services;
}

export const servicesFact = defineFact<void, Record<string, ServiceEntry> | undefined>({
  name: 'services',
  command: () => SERVICES_COMMAND,
  parse: (out) => parseServices(out.stdout),
});
