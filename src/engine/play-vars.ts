/**
 * The variable layers of a host for one task of one play, in Ansible's
 * precedence, lowest first: role defaults < inventory < facts < play vars
 * < vars_files < role vars < block/task vars < include_vars < set_fact/register
 * < role params < include params < extra vars. Magic variables sit on top.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { SourcePos } from '../errors.js';
import { connectionSettings, type Inventory } from '../inventory/index.js';
import type { Play, RoleInfo, TaskNode } from '../load/model.js';
import { isUndefinedError, OMIT } from '../template/index.js';
import { Literal, literalValues, VarResolver, type ValueRenderer, type VarLayer } from '../vars/resolver.js';
import type { HostState } from './host-state.js';

export interface PlayScope {
  play: Play;
  inventory: Inventory;
  hosts: Map<string, HostState>;
  /** every host of the play, and the current batch */
  playHosts: string[];
  batch: string[];
  varsFiles: Record<string, unknown>;
  extraVars: Record<string, unknown>;
  check: boolean;
  diff: boolean;
  verbosity?: number;
  /** --tags and --skip-tags, for ansible_run_tags and ansible_skip_tags */
  tags?: string[];
  skipTags?: string[];
  /** the inventory files given, for inventory_file and inventory_dir */
  inventoryPaths?: string[];
  renderer: ValueRenderer;
}

/** The ansible-core release whose playbook language ezplay speaks, as `ansible_version` tells playbooks. */
export const ANSIBLE_VERSION = { string: '2.14.18', full: '2.14.18', major: 2, minor: 14, revision: 18 };

/** inventory_file and inventory_dir: the first inventory source, as Ansible names the one a host came from. */
function inventorySource(paths: string[] | undefined): { inventory_file: string | null; inventory_dir: string | null } {
  const first = paths?.[0];
  if (!first) return { inventory_file: null, inventory_dir: null };
  const file = path.resolve(first);
  const isDir = statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return { inventory_file: file, inventory_dir: isDir ? file : path.dirname(file) };
}

function merged(roles: RoleInfo[], pick: (r: RoleInfo) => Record<string, unknown>): Record<string, unknown> {
  return Object.assign({}, ...roles.map(pick));
}

export class PlayVars {
  private roleDefaults: Record<string, unknown>;
  private roleVars: Record<string, unknown>;
  private groups: Record<string, string[]>;
  private readonly inventoryLayers = new Map<string, VarLayer[]>();
  private readonly source: ReturnType<typeof inventorySource>;
  private readonly roleNames: { play: string[]; all: string[]; dependent: string[] };

  constructor(private readonly scope: PlayScope) {
    // Role defaults and vars are visible play-wide, as in Ansible without private_role_vars.
    this.roleDefaults = merged(scope.play.roles, (r) => r.defaults);
    this.roleVars = merged(scope.play.roles, (r) => r.vars);
    this.groups = scope.inventory.groupsMap();
    this.source = inventorySource(scope.inventoryPaths);
    // role_names are the play's own roles; ansible_role_names adds their dependencies
    const own = [...new Set(scope.play.roles.filter((r) => !r.dependency).map((r) => r.name))];
    const dependent = [...new Set(scope.play.roles.filter((r) => r.dependency).map((r) => r.name))];
    this.roleNames = { play: own, all: [...new Set([...own, ...scope.play.roles.map((r) => r.name)])], dependent };
  }

  /**
   * A public include_role: its roles' defaults and vars are the play's from
   * now on, for every host, as the roles Ansible adds to the play.
   */
  publishRoles(roles: RoleInfo[]): void {
    const added = roles.filter((r) => !this.scope.play.roles.includes(r));
    if (!added.length) return;
    this.scope.play.roles.push(...added);
    this.roleDefaults = { ...this.roleDefaults, ...merged(added, (r) => r.defaults) };
    this.roleVars = { ...this.roleVars, ...merged(added, (r) => r.vars) };
  }

  /** group_by/add_host changed the inventory: later lookups see the new groups and host variables */
  inventoryChanged(): void {
    this.groups = this.scope.inventory.groupsMap();
    this.inventoryLayers.clear();
  }

  private inventoryLayersOf(host: string): VarLayer[] {
    let layers = this.inventoryLayers.get(host);
    if (!layers) {
      layers = this.scope.inventory.getHost(host) ? this.scope.inventory.varLayersFor(host) : [];
      this.inventoryLayers.set(host, layers);
    }
    return layers;
  }

  /**
   * Where Ansible looks for a task's files, as its Task.get_search_path
   * gives them: the role's folder and those of the roles that brought it in,
   * the task file's folder, the playbook's folder.
   */
  private searchPath(task: TaskNode): string[] {
    const role = task.role;
    const dirs = [...(role ? [role.dir, ...(role.dependencyOf ?? [])] : []), ...(task.pos ? [path.dirname(task.pos.file)] : []), this.scope.play.dir];
    return [...new Set(dirs)];
  }

  private magic(host: string, task: TaskNode | undefined, withHostvars = true): Record<string, unknown> {
    const role = task?.role;
    const { play } = this.scope;
    const activeHosts = this.scope.playHosts.filter((h) => this.scope.hosts.get(h)?.active !== false);
    return {
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0],
      group_names: this.scope.inventory.groupNamesOf(host),
      groups: this.groups,
      // a lazy view of every host: never walked in search of templates, which would resolve every host's every variable
      // hostvars[host] has no hostvars of its own, as in Ansible: a view of it (to_json, debug: var=hostvars) ends
      ...(withHostvars ? { hostvars: new Literal(this.hostvarsProxy()) } : {}),
      play_hosts: activeHosts,
      ansible_play_hosts: activeHosts,
      ansible_play_hosts_all: this.scope.playHosts,
      // the batch's hosts that have not failed, as ansible_play_hosts is the play's
      ansible_play_batch: this.scope.batch.filter((h) => this.scope.hosts.get(h)?.active !== false),
      ansible_play_name: play.name,
      playbook_dir: play.dir,
      ...(this.scope.inventory.getHost(host) ? this.source : {}),
      ansible_version: ANSIBLE_VERSION,
      role_names: this.roleNames.play,
      ansible_play_role_names: this.roleNames.play,
      ansible_role_names: this.roleNames.all,
      ansible_dependent_role_names: this.roleNames.dependent,
      ansible_run_tags: this.scope.tags?.length ? this.scope.tags : ['all'],
      ansible_skip_tags: this.scope.skipTags ?? [],
      ansible_check_mode: this.scope.check,
      ansible_diff_mode: this.scope.diff,
      ansible_verbosity: this.scope.verbosity ?? 0,
      omit: OMIT,
      ...(role ? { role_name: role.name, role_path: role.dir, ansible_role_name: role.name } : {}),
      ansible_config_file: path.join(play.dir, 'ezplay.cfg'),
      // a task's own: hostvars and the play's `hosts:` have none, as in Ansible
      ...(task ? { ansible_search_path: this.searchPath(task) } : {}),
    };
  }

  /** Every inventory host is in hostvars, also those outside --limit or the plays so far, as in Ansible. */
  private hostvarsProxy(): Record<string, unknown> {
    const target = Object.create(null) as Record<string, unknown>;
    const known = (name: string | symbol): name is string =>
      typeof name === 'string' && (this.scope.hosts.has(name) || this.scope.inventory.hosts.has(name));
    return new Proxy(target, {
      get: (_t, name) => (known(name) ? this.hostvarsView(name) : undefined),
      has: (_t, name) => known(name),
      ownKeys: () => [...new Set([...this.scope.inventory.hosts.keys(), ...this.scope.hosts.keys()])],
      getOwnPropertyDescriptor: (_t, name) =>
        known(name) ? { enumerable: true, configurable: true, value: this.hostvarsView(name) } : undefined,
    });
  }

  /**
   * A host's variables as hostvars shows them: as in Ansible, a value that
   * uses an undefined variable stays as written instead of failing, so a
   * dump of hostvars works on an inventory with some unfinished settings.
   */
  private hostvarsView(host: string): Record<string, unknown> {
    const strict = this.scope.renderer;
    const lenient = {
      renderValue: (value: unknown, vars: Record<string, unknown>, where?: SourcePos) => {
        try {
          return strict.renderValue(value, vars, where);
        } catch (error) {
          if (isUndefinedError(error)) return value;
          throw error;
        }
      },
    };
    return new VarResolver(this.layers(host, undefined, undefined, false), lenient).view;
  }

  layers(host: string, task?: TaskNode, extra?: Record<string, unknown>, withHostvars = true): VarLayer[] {
    const state = this.scope.hosts.get(host);
    const role = task?.role;
    const layers: VarLayer[] = [
      { source: 'role defaults', vars: role ? { ...this.roleDefaults, ...role.defaults } : this.roleDefaults },
      ...this.inventoryLayersOf(host),
      { source: 'facts', vars: state?.factLayer() ?? {} },
      { source: 'play vars', vars: this.scope.play.vars, ...(this.scope.play.pos ? { pos: this.scope.play.pos } : {}) },
      { source: 'vars_files', vars: this.scope.varsFiles },
      { source: 'role vars', vars: role ? { ...this.roleVars, ...role.vars } : this.roleVars },
      { source: 'task vars', vars: task?.vars ?? {}, ...(task?.pos ? { pos: task.pos } : {}) },
      { source: 'include_vars', vars: state?.includedLayer() ?? {} },
      { source: 'set_fact/register', vars: state?.assignedLayer() ?? {} },
      { source: 'role params', vars: role?.params ?? {} },
      { source: 'include params', vars: task?.includeParams ?? {} },
      { source: 'extra vars', vars: this.scope.extraVars },
      { source: 'magic', vars: this.magic(host, task, withHostvars) },
    ];
    // loop items were rendered once with the loop expression; they may hold host output
    if (extra) layers.push({ source: 'loop', vars: literalValues(extra) });
    return layers;
  }

  resolver(host: string, task?: TaskNode, extra?: Record<string, unknown>, withDelegate = true): VarResolver {
    const layers = this.layers(host, task, extra);
    const resolver = new VarResolver(layers, this.scope.renderer);
    if (withDelegate && task?.delegateTo !== undefined && task.delegateTo !== null) this.addDelegatedVars(layers, resolver, host, task, extra);
    return resolver;
  }

  /**
   * ansible_delegated_vars of a delegated task, as Ansible gives it: under
   * the delegate's name (delegate_to rendered with the host's variables), the
   * variables the task would have on that host, with the task's own
   * inventory_hostname. Computed when first read.
   */
  private addDelegatedVars(layers: VarLayer[], resolver: VarResolver, host: string, task: TaskNode, extra?: Record<string, unknown>): void {
    const magic = layers.find((l) => l.source === 'magic');
    if (!magic) return;
    let value: Literal | undefined;
    Object.defineProperty(magic.vars, 'ansible_delegated_vars', {
      enumerable: true,
      configurable: true,
      get: () => {
        if (value) return value;
        let name: unknown;
        try {
          name = this.scope.renderer.renderValue(task.delegateTo, resolver.view, task.pos);
        } catch (error) {
          if (!isUndefinedError(error)) throw error;
          name = task.delegateTo;
        }
        const key = String(name);
        const delegate = this.delegateHost(key);
        const view = this.resolver(delegate, task, extra, false).view;
        const withHost = new Proxy(view, {
          get: (t, k) => (k === 'inventory_hostname' ? host : Reflect.get(t, k)),
          getOwnPropertyDescriptor: (t, k) =>
            k === 'inventory_hostname' ? { enumerable: true, configurable: true, writable: false, value: host } : Reflect.getOwnPropertyDescriptor(t, k),
        });
        value = new Literal({ [key]: withHost });
        return value;
      },
    });
  }

  /** The inventory host a delegate_to names: by name, else by address, else a host of that name outside the inventory. */
  private delegateHost(name: string): string {
    if (this.scope.inventory.getHost(name)) return name;
    for (const other of this.scope.inventory.hosts.keys()) {
      try {
        if (connectionSettings(this.resolver(other).view, other).address === name) return other;
      } catch {
        // a host without an address is not this one
      }
    }
    return name;
  }
}
