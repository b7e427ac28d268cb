/**
 * Check mode that sees its own plan: per host, what the steps planned so far
 * would have made (paths, contents, attributes, units, accounts). Facts read
 * the host as it is and then let this state answer where it applies, so a
 * task that copies into a folder an earlier task would have made plans the
 * copy instead of failing on a folder that does not exist yet.
 */
import path from 'node:path';

export type PlannedPathType = 'file' | 'directory' | 'link' | 'absent';

export interface PlannedPath {
  type: PlannedPathType;
  /** the bytes a file would hold, when the plan knows them */
  content?: Buffer;
  mode?: number;
  owner?: string;
  group?: string;
  /** a link's target */
  target?: string;
}

export interface PlannedUnit {
  enabled?: boolean;
  active?: boolean;
  masked?: boolean;
}

/** What one changed plan would make; modules list them in `Plan.effects`. */
export type PlannedEffect =
  | ({ kind: 'path'; path: string } & PlannedPath)
  | ({ kind: 'unit'; name: string } & PlannedUnit)
  | { kind: 'user'; name: string; exists: boolean; group?: string; home?: string; shell?: string; comment?: string }
  | { kind: 'group'; name: string; exists: boolean; gid?: number };

export interface PlannedUser {
  exists: boolean;
  group?: string;
  home?: string;
  shell?: string;
  comment?: string;
}

export class PlannedState {
  readonly paths = new Map<string, PlannedPath>();
  readonly units = new Map<string, PlannedUnit>();
  readonly users = new Map<string, PlannedUser>();
  readonly groups = new Map<string, { exists: boolean; gid?: number }>();

  get empty(): boolean {
    return !this.paths.size && !this.units.size && !this.users.size && !this.groups.size;
  }

  record(effects: readonly PlannedEffect[]): void {
    for (const e of effects) {
      if (e.kind === 'path') this.recordPath(e);
      else if (e.kind === 'unit') {
        const { kind: _k, name, ...rest } = e;
        this.units.set(unitName(name), { ...this.units.get(unitName(name)), ...defined(rest) });
      } else if (e.kind === 'user') {
        const { kind: _k, name, ...rest } = e;
        this.users.set(name, rest.exists ? { ...this.users.get(name), ...defined(rest), exists: true } : { exists: false });
      } else {
        const { kind: _k, name, ...rest } = e;
        this.groups.set(name, rest.exists ? { ...this.groups.get(name), ...defined(rest), exists: true } : { exists: false });
      }
    }
  }

  private recordPath(e: { path: string } & PlannedPath): void {
    const p = path.posix.normalize(e.path).replace(/(.)\/$/, '$1');
    const before = this.paths.get(p);
    const { path: _p, kind: _k, ...rest } = e as { path: string; kind?: string } & PlannedPath;
    // attributes alone (a mode change) keep what an earlier effect said about the content
    const merged = before && before.type === rest.type ? { ...before, ...defined(rest) } : defined(rest);
    this.paths.set(p, merged as PlannedPath);
    if (rest.type === 'absent') {
      for (const key of [...this.paths.keys()]) if (key.startsWith(`${p}/`)) this.paths.set(key, { type: 'absent' });
      return;
    }
    // whatever exists has a folder above it
    for (let dir = path.posix.dirname(p); dir !== '/' && dir !== '.'; dir = path.posix.dirname(dir)) {
      const known = this.paths.get(dir);
      if (known && known.type === 'directory') break;
      this.paths.set(dir, { type: 'directory' });
    }
  }

  /** What the plan says about a path, if anything. */
  path(p: string): PlannedPath | undefined {
    return this.paths.get(path.posix.normalize(p).replace(/(.)\/$/, '$1'));
  }

  /** The deepest folder above `p` that earlier steps would have made, below `existing` (the nearest one that exists). */
  ancestor(p: string, existing: string | undefined): string | undefined {
    for (let dir = path.posix.dirname(p); dir !== '/' && dir !== '.'; dir = path.posix.dirname(dir)) {
      if (existing !== undefined && dir.length <= existing.length) break;
      if (this.paths.get(dir)?.type === 'directory') return dir;
    }
    return existing;
  }

  unit(name: string): PlannedUnit | undefined {
    return this.units.get(unitName(name));
  }
}

/** `etcd` and `etcd.service` are the same unit. */
export function unitName(name: string): string {
  return /\.[a-z]+$/.test(name) ? name : `${name}.service`;
}

/** Folders systemd reads unit files from, most specific first. */
export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
