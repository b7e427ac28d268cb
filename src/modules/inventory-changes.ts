/**
 * `group_by` and `add_host`: change the run's in-memory inventory, as
 * Ansible does. The plan names the change; the engine applies it to the
 * inventory this run sees (later tasks' `groups`, later plays' host
 * patterns). Nothing on any host changes, nothing is written to disk.
 */
import { ModuleError } from '../errors.js';
import { defineModule } from './types.js';

const GROUP_NAME = /^[A-Za-z0-9_.-]+$/;

function checkGroup(module: string, name: string): string {
  // Ansible turns spaces and dashes into underscores with a warning; refusing keeps the name the user reads the one in use
  if (!GROUP_NAME.test(name)) throw new ModuleError(`${module}: '${name}' is not a valid group name`);
  return name;
}

export interface GroupByArgs {
  key: string;
  parents: string[];
}

export const groupByModule = defineModule<GroupByArgs>({
  name: 'group_by',
  summary: 'Put the host in a group for the rest of the run',
  description:
    'Adds the task\'s host to the group `key` (created when missing), under the groups in `parents`. ' +
    'Later tasks see it in `groups` and `group_names`, later plays match it by pattern. ' +
    'The inventory files are not changed; the task is never `changed`, also in check mode, as in Ansible.',
  controllerOnly: true,
  freeForm: 'key',
  args: {
    key: { type: 'str', required: true, description: 'The group to put the host in.' },
    parents: { type: 'list', elements: 'str', default: ['all'], description: 'The groups the new group sits under.' },
  },
  async plan(ctx, args) {
    const group = checkGroup('group_by', args.key.trim());
    const parents = args.parents.map((p) => checkGroup('group_by', String(p).trim()));
    return {
      changed: false,
      inventory: { groups: [{ name: group, parents }], hosts: [{ name: ctx.host, groups: [group], vars: {} }] },
      result: { add_group: group, parent_groups: parents },
    };
  },
});

export const addHostModule = defineModule<Record<string, unknown>>({
  name: 'add_host',
  summary: 'Add a host (and its variables) to the run\'s inventory',
  description:
    'Adds `name` to the inventory of this run, in `groups`; every other argument becomes a variable of that host ' +
    '(`ansible_host`, `ansible_port`...). `name` may carry a port: `host:2222`. Runs once per task, not once per host, ' +
    'as in Ansible (loop over items to add several). Never `changed`; the inventory files are not changed.',
  controllerOnly: true,
  freeArgs: true,
  args: {
    name: { type: 'str', required: true, aliases: ['host', 'hostname'], description: 'The host to add, optionally `name:port`.' },
    groups: { type: 'list', elements: 'str', default: [], aliases: ['group', 'groupname'], description: 'The groups to put it in.' },
  },
  async plan(_ctx, args) {
    let name = String(args.name).trim();
    const vars: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(args)) {
      if (key === 'name' || key === 'groups') continue;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new ModuleError(`add_host: '${key}' is not a valid variable name`);
      vars[key] = value;
    }
    const port = /^([^:[\]]+):(\d+)$/.exec(name);
    if (port) {
      name = port[1] as string;
      vars.ansible_port ??= Number(port[2]);
    }
    if (!name) throw new ModuleError('add_host: name is empty');
    const groups = (args.groups as unknown[]).map((g) => checkGroup('add_host', String(g).trim()));
    return {
      changed: false,
      inventory: { groups: groups.map((g) => ({ name: g, parents: ['all'] })), hosts: [{ name, groups, vars }] },
      result: { add_host: { host_name: name, groups, host_vars: vars } },
    };
  },
});
