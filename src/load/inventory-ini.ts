/**
 * Ansible's INI inventory, as kubeasz ships it (`[etcd]`, `[kube_master]`,
 * `[all:vars]`). The rules follow ansible-core's ini plugin rather than its
 * documentation, where the two differ:
 *
 * - Host lines are split like a POSIX shell (quotes removed, `#` starts a
 *   comment), then each value is read as a Python literal: `port=22` and
 *   `port='22'` are both the number 22, `flag=True` is a boolean,
 *   `name=master-01` is not a literal and stays text.
 * - `:vars` lines take everything after the first `=` as one value and read
 *   it as a Python literal too (the documentation says "strings", but the
 *   code literal-evaluates them, see ansible/ansible#86229): `SECURE_PORT="6443"`
 *   is the string 6443, `retries=3` the number 3, `dir=/opt/kube/bin` text.
 * - Templates such as `"{{ base_dir }}/x"` are kept as written, for the
 *   engine to render.
 */
import { InventoryError, type SourcePos } from '../errors.js';
import { expandHostSpec, HostPatternError } from '../inventory/host-ranges.js';
import type { Inventory } from '../inventory/inventory.js';
import { iniValue } from '../inventory/python-literal.js';
import { shlexSplit, ShlexError } from '../shell/shlex.js';

type SectionKind = 'hosts' | 'children' | 'vars';

interface Pending {
  kind: 'vars' | 'children';
  line: number;
  parents: string[];
}

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

export function parseIniInventory(text: string, file: string, inventory: Inventory): void {
  // groups named before they are declared, checked at the end as Ansible does
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let kind: SectionKind = 'hosts';
  const lines = text.split(/\r?\n/);

  for (let index = 0; index < lines.length; index++) {
    const pos: SourcePos = { file, line: index + 1 };
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;

    const section = SECTION.exec(line);
    if (section) {
      group = section[1]!;
      const tag = section[2] ?? 'hosts';
      if (tag !== 'hosts' && tag !== 'children' && tag !== 'vars') {
        throw new InventoryError(`section [${group}:${tag}] has unknown type '${tag}': use hosts, children or vars`, pos);
      }
      kind = tag;
      declareGroup(inventory, pending, group, kind, pos);
      continue;
    }
    if (line.startsWith('[')) {
      throw new InventoryError(
        `invalid section '${line}': write [group], [group:vars] or [group:children], with no spaces`,
        pos,
      );
    }

    if (kind === 'hosts') parseHostLine(inventory, line, group, pos);
    else if (kind === 'vars') parseVarsLine(inventory, line, group, pos);
    else parseChildLine(inventory, pending, line, group, pos);
  }

  for (const [name, decl] of pending) {
    const pos = { file, line: decl.line };
    if (decl.kind === 'vars') throw new InventoryError(`section [${name}:vars] is for group '${name}', which is never declared`, pos);
    throw new InventoryError(`section [${decl.parents.at(-1)}:children] names group '${name}', which is never declared`, pos);
  }
}

function declareGroup(inventory: Inventory, pending: Map<string, Pending>, group: string, kind: SectionKind, pos: SourcePos): void {
  // [g:vars] alone does not declare g; [g] or [g:children] must appear somewhere
  if (!inventory.groups.has(group) && kind === 'vars' && !pending.has(group)) {
    pending.set(group, { kind: 'vars', line: pos.line!, parents: [] });
  }
  inventory.addGroup(group, pos);
  const waiting = pending.get(group);
  if (waiting && kind !== 'vars') resolvePending(inventory, pending, group, pos);
}

function resolvePending(inventory: Inventory, pending: Map<string, Pending>, group: string, pos: SourcePos): void {
  const waiting = pending.get(group)!;
  pending.delete(group);
  if (waiting.kind === 'vars') return;
  for (const parent of waiting.parents) {
    inventory.addChild(parent, group, { file: pos.file, line: waiting.line });
    const parentWaiting = pending.get(parent);
    if (parentWaiting?.kind === 'children') resolvePending(inventory, pending, parent, pos);
  }
}

function parseHostLine(inventory: Inventory, line: string, group: string, pos: SourcePos): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(line, { comments: true });
  } catch (err) {
    if (err instanceof ShlexError) throw new InventoryError(`cannot read host line '${line}': ${err.message}`, pos);
    throw err;
  }
  if (tokens.length === 0) return; // a line that was only a comment after whitespace
  const [spec, ...assignments] = tokens as [string, ...string[]];
  if (spec === '---') throw new InventoryError(`'---' starts a YAML document: name the file .yml or .yaml`, pos);
  let names: string[];
  let port: number | undefined;
  try {
    ({ names, port } = expandHostSpec(spec));
  } catch (err) {
    if (err instanceof HostPatternError) throw new InventoryError(err.message, pos);
    throw err;
  }
  const vars: Record<string, unknown> = {};
  if (port !== undefined) vars.ansible_port = port;
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new InventoryError(`expected key=value after host '${spec}', got '${assignment}'`, pos);
    vars[assignment.slice(0, eq)] = iniValue(assignment.slice(eq + 1));
  }
  for (const name of names) {
    inventory.addHost(name, group, pos);
    if (Object.keys(vars).length > 0) inventory.setHostVars(name, vars, { source: `${pos.file}:${pos.line}` });
  }
}

function parseVarsLine(inventory: Inventory, line: string, group: string, pos: SourcePos): void {
  const eq = line.indexOf('=');
  const key = eq > 0 ? line.slice(0, eq).trim() : '';
  if (key === '') throw new InventoryError(`expected key=value in [${group}:vars], got '${line}'`, pos);
  inventory.setGroupVars(group, { [key]: iniValue(line.slice(eq + 1).trim()) }, { source: `${pos.file} [${group}:vars]` });
}

function parseChildLine(inventory: Inventory, pending: Map<string, Pending>, line: string, group: string, pos: SourcePos): void {
  const m = GROUP_NAME.exec(line);
  if (!m) throw new InventoryError(`expected a group name in [${group}:children], got '${line}'`, pos);
  const child = m[1]!;
  if (inventory.groups.has(child)) {
    inventory.addChild(group, child, pos);
    return;
  }
  const waiting = pending.get(child);
  if (waiting) waiting.parents.push(group);
  else pending.set(child, { kind: 'children', line: pos.line!, parents: [group] });
}
