/**
 * The inventory model: hosts, groups, and where their variables come from.
 * Pure: loaders fill it, the engine queries it.
 */
import { InventoryError, type SourcePos } from '../errors.js';
import { implicitLocalhost } from './implicit-localhost.js';
import { LOCALHOST_NAMES } from './patterns.js';
import { matchPattern, type PatternMatch } from './host-matching.js';
import { varLayersFor, type VarLayer } from './var-layers.js';

export interface InventoryHost {
  name: string;
  /** variables written with the host in the inventory file itself */
  vars: Record<string, unknown>;
  pos?: SourcePos;
}

export interface InventoryGroup {
  name: string;
  /** hosts listed directly in this group, in the order first listed */
  hosts: string[];
  children: string[];
  /** variables written for the group in the inventory file itself */
  vars: Record<string, unknown>;
  pos?: SourcePos;
}

/**
 * Where a set of variables was written, which decides its precedence:
 * the inventory file, `group_vars`/`host_vars` beside the inventory, or
 * `group_vars`/`host_vars` beside the playbook (strongest).
 */
export type VarsScope = 'inventory' | 'inventory_dir' | 'playbook_dir';

export interface FileVarLayer extends VarLayer {
  scope: Exclude<VarsScope, 'inventory'>;
}

export interface SetVarsOptions {
  scope?: VarsScope;
  /** shown to users as the origin of these values, such as a file path */
  source?: string;
}

export class Inventory {
  readonly hosts = new Map<string, InventoryHost>();
  readonly groups = new Map<string, InventoryGroup>();
  /** one layer per group_vars/host_vars file, in load order */
  readonly groupFileVars = new Map<string, FileVarLayer[]>();
  readonly hostFileVars = new Map<string, FileVarLayer[]>();
  /** origin of each group's/host's inline vars, keyed 'group:x' or 'host:x' */
  readonly inlineVarsSource = new Map<string, string>();
  /** `-u`, `-c`, `-b` and friends: under every variable the inventory gives */
  commandLineVars: Record<string, unknown> = {};

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
  }

  /** Declares a group (idempotent). Every group starts as a child of 'all'. */
  addGroup(name: string, pos?: SourcePos): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, hosts: [], children: [], vars: {} };
      if (pos) group.pos = pos;
      this.groups.set(name, group);
      if (name !== 'all') this.groups.get('all')!.children.push(name);
    } else if (!group.pos && pos) group.pos = pos;
    return group;
  }

  /** Adds a host (idempotent) and makes it a member of `group`. */
  addHost(name: string, group = 'ungrouped', pos?: SourcePos): InventoryHost {
    const host = this.ensureHost(name, pos);
    const members = this.addGroup(group).hosts;
    if (!members.includes(name)) members.push(name);
    this.reconcileUngrouped(name);
    return host;
  }

  /** Nests `child` under `parent`; refuses cycles, which Ansible would loop on. */
  addChild(parent: string, child: string, pos?: SourcePos): void {
    if (child === 'all') throw new InventoryError(`group 'all' cannot be a child of '${parent}'`, pos);
    if (child === parent) throw new InventoryError(`group '${parent}' cannot be a child of itself`, pos);
    const parentGroup = this.addGroup(parent, pos);
    this.addGroup(child, pos);
    if (this.descendantsOf(child).includes(parent)) {
      throw new InventoryError(`group '${child}' cannot be a child of '${parent}': '${parent}' is already inside '${child}'`, pos);
    }
    if (!parentGroup.children.includes(child)) parentGroup.children.push(child);
    // a group with a real parent no longer hangs directly under 'all'
    if (parent !== 'all') {
      const top = this.groups.get('all')!.children;
      const at = top.indexOf(child);
      if (at >= 0) top.splice(at, 1);
    }
    for (const host of this.groupHosts(child)) this.reconcileUngrouped(host);
  }

  setGroupVars(group: string, vars: Record<string, unknown>, options: SetVarsOptions = {}): void {
    const target = this.addGroup(group);
    const scope = options.scope ?? 'inventory';
    if (scope === 'inventory') {
      Object.assign(target.vars, vars);
      const key = `group:${group}`;
      if (!this.inlineVarsSource.has(key)) this.inlineVarsSource.set(key, options.source ?? `group '${group}'`);
      return;
    }
    pushLayer(this.groupFileVars, group, { scope, source: options.source ?? `group_vars/${group}`, vars });
  }

  setHostVars(host: string, vars: Record<string, unknown>, options: SetVarsOptions = {}): void {
    const scope = options.scope ?? 'inventory';
    if (scope === 'inventory') {
      Object.assign(this.ensureHost(host).vars, vars);
      const key = `host:${host}`;
      if (!this.inlineVarsSource.has(key)) this.inlineVarsSource.set(key, options.source ?? `host '${host}'`);
      return;
    }
    pushLayer(this.hostFileVars, host, { scope, source: options.source ?? `host_vars/${host}`, vars });
  }

  /** Folds another inventory into this one; its values win where both set the same variable. */
  merge(other: Inventory): void {
    for (const host of other.hosts.values()) this.ensureHost(host.name, host.pos);
    for (const group of other.groups.values()) {
      this.addGroup(group.name, group.pos);
      for (const host of group.hosts) this.addHost(host, group.name);
      const source = other.inlineVarsSource.get(`group:${group.name}`);
      this.setGroupVars(group.name, group.vars, source ? { source } : {});
    }
    for (const group of other.groups.values()) {
      for (const child of group.children) if (group.name !== 'all') this.addChild(group.name, child);
    }
    for (const host of other.hosts.values()) {
      const source = other.inlineVarsSource.get(`host:${host.name}`);
      this.setHostVars(host.name, host.vars, source ? { source } : {});
    }
    for (const [name, layers] of other.groupFileVars) for (const l of layers) pushLayer(this.groupFileVars, name, l);
    for (const [name, layers] of other.hostFileVars) for (const l of layers) pushLayer(this.hostFileVars, name, l);
  }

  /** The host, or the implicit localhost for 'localhost'/'127.0.0.1'/'::1' when not listed. */
  getHost(name: string): InventoryHost | undefined {
    return this.hosts.get(name) ?? (LOCALHOST_NAMES.includes(name) ? implicitLocalhost(name) : undefined);
  }

  isImplicit(name: string): boolean {
    return !this.hosts.has(name) && LOCALHOST_NAMES.includes(name);
  }

  /** Hosts matching an Ansible pattern, in Ansible's inventory order. */
  hostsMatching(pattern: string | readonly string[]): string[] {
    return matchPattern(this, pattern).hosts;
  }

  /** Like hostsMatching, and also says which parts matched no group or host. */
  matchPattern(pattern: string | readonly string[]): PatternMatch {
    return matchPattern(this, pattern);
  }

  /** `--limit`: keeps the hosts that also match the limit pattern, in their order. */
  applyLimit(hosts: readonly string[], limit: string | readonly string[]): string[] {
    const allowed = new Set(this.hostsMatching(limit));
    return hosts.filter((h) => allowed.has(h));
  }

  /** Every group the host is in, directly or through children, sorted, without 'all'. */
  groupNamesOf(host: string): string[] {
    const names = new Set<string>();
    for (const group of this.groups.values()) {
      if (group.hosts.includes(host)) for (const g of [group.name, ...this.ancestorsOf(group.name)]) names.add(g);
    }
    names.delete('all');
    return [...names].sort(byCodePoint);
  }

  /** Ansible's `groups` magic variable. */
  groupsMap(): Record<string, string[]> {
    const map: Record<string, string[]> = {};
    for (const name of this.groups.keys()) map[name] = this.groupHosts(name);
    return map;
  }

  /** Hosts of a group and of all groups below it: its own first, then level by level. */
  groupHosts(name: string): string[] {
    const seen = new Set<string>();
    for (const g of [name, ...this.descendantsOf(name)]) {
      for (const host of this.groups.get(g)?.hosts ?? []) seen.add(host);
    }
    return [...seen];
  }

  /** Groups below `name`, breadth first, each once. */
  descendantsOf(name: string): string[] {
    const out: string[] = [];
    const queue = [...(this.groups.get(name)?.children ?? [])];
    while (queue.length > 0) {
      const g = queue.shift()!;
      if (out.includes(g) || g === name) continue;
      out.push(g);
      queue.push(...(this.groups.get(g)?.children ?? []));
    }
    return out;
  }

  ancestorsOf(name: string): string[] {
    const out: string[] = [];
    const queue = this.parentsOf(name);
    while (queue.length > 0) {
      const g = queue.shift()!;
      if (out.includes(g)) continue;
      out.push(g);
      queue.push(...this.parentsOf(g));
    }
    return out;
  }

  parentsOf(name: string): string[] {
    return [...this.groups.values()].filter((g) => g.children.includes(name)).map((g) => g.name);
  }

  /** Longest distance from 'all', as Ansible's group depth. */
  groupDepth(name: string): number {
    if (name === 'all') return 0;
    const parents = this.parentsOf(name);
    return parents.length === 0 ? 1 : 1 + Math.max(...parents.map((p) => this.groupDepth(p)));
  }

  /** The host's variable layers, lowest precedence first; see var-layers.ts. */
  varLayersFor(host: string): VarLayer[] {
    return varLayersFor(this, host);
  }

  private ensureHost(name: string, pos?: SourcePos): InventoryHost {
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: {} };
      if (pos) host.pos = pos;
      this.hosts.set(name, host);
    }
    return host;
  }

  /** A host is 'ungrouped' exactly when no group other than 'all' holds it. */
  private reconcileUngrouped(host: string): void {
    const ungrouped = this.groups.get('ungrouped')!.hosts;
    const elsewhere = this.groupNamesOf(host).some((g) => g !== 'ungrouped');
    const at = ungrouped.indexOf(host);
    if (elsewhere && at >= 0) ungrouped.splice(at, 1);
    if (!elsewhere && at < 0) ungrouped.push(host);
  }
}

function pushLayer(map: Map<string, FileVarLayer[]>, name: string, layer: FileVarLayer): void {
  const layers = map.get(name) ?? [];
  layers.push(layer);
  map.set(name, layers);
}

/** Python's sort order for strings, which Ansible's sorted() uses. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
