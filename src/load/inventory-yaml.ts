/**
 * Ansible's YAML inventory:
 *
 *   all:
 *     vars: { ... }
 *     hosts: { h1: { ansible_host: 10.0.0.1 } }
 *     children:
 *       etcd: { hosts: { h1: }, vars: { ... }, children: { ... } }
 *
 * Read as YAML 1.1, as Ansible's PyYAML does: `yes`/`no` are booleans and
 * `0700` is the octal number 448 (see yaml-schema.ts).
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { InventoryError, type SourcePos } from '../errors.js';
import { aliasBomb, MAX_EXPANDED_VALUES } from './yaml.js';
import { ANSIBLE_YAML_OPTIONS } from './yaml-schema.js';
import { expandHostSpec, HostPatternError } from '../inventory/host-ranges.js';
import type { Inventory } from '../inventory/inventory.js';

export interface YamlSource {
  doc: Document;
  lines: LineCounter;
  file: string;
}

/**
 * Parses one YAML 1.1 document, turning the first syntax error into an
 * InventoryError at its line. Duplicate keys are allowed, the last winning,
 * because Ansible only warns about them.
 */
export function readYamlDocument(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...ANSIBLE_YAML_OPTIONS, lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const [first = 'invalid YAML', ...rest] = error.message.split('\n');
    const at = error.linePos?.[0];
    const pos: SourcePos = at ? { file, line: at.line, col: at.col } : { file };
    const failure = new InventoryError(first.replace(/ at line \d+, column \d+:?$/, ''), pos, { cause: error });
    const excerpt = rest.join('\n').trim();
    if (excerpt) failure.excerpt = excerpt;
    throw failure;
  }
  const source = { doc, lines, file };
  const bomb = aliasBomb(doc, doc.contents, (node) => positionOf(source, node));
  if (bomb) throw new InventoryError(`YAML aliases here expand to more than ${MAX_EXPANDED_VALUES} values (an alias bomb?); refusing the inventory`, bomb);
  return source;
}

export function positionOf(source: YamlSource, node: unknown): SourcePos {
  const range = (node as Node | null)?.range;
  if (!range) return { file: source.file };
  const { line, col } = source.lines.linePos(range[0]);
  return { file: source.file, line, col };
}

/** A mapping node as plain variables; an empty node is no variables. */
export function mappingToVars(source: YamlSource, node: unknown, what: string): Record<string, unknown> {
  if (isEmpty(node)) return {};
  if (!isMap(node)) throw new InventoryError(`${what} must be a mapping of variable names to values`, positionOf(source, node));
  // the document passed aliasBomb; yaml's own limit of 100 aliases per document would refuse ordinary reuse
  const value = node.toJS(source.doc, { maxAliasCount: -1 }) as Record<string, unknown>;
  return value;
}

export function parseYamlInventory(text: string, file: string, inventory: Inventory): void {
  const source = readYamlDocument(text, file);
  const root = source.doc.contents;
  if (isEmpty(root)) return;
  if (!isMap(root)) {
    throw new InventoryError('a YAML inventory must be a mapping of group names, usually starting with all:', positionOf(source, root));
  }
  for (const pair of root.items) parseGroup(source, inventory, keyText(source, pair.key), pair.value, positionOf(source, pair.key));
}

function parseGroup(source: YamlSource, inventory: Inventory, name: string, node: unknown, pos: SourcePos): void {
  inventory.addGroup(name, pos);
  if (isEmpty(node)) return;
  if (!isMap(node)) {
    throw new InventoryError(`group '${name}' must be a mapping with hosts, children or vars`, positionOf(source, node));
  }
  for (const pair of (node as YAMLMap).items) {
    const key = keyText(source, pair.key);
    const keyPos = positionOf(source, pair.key);
    if (key === 'vars') {
      inventory.setGroupVars(name, mappingToVars(source, pair.value, `vars of group '${name}'`), {
        source: `${source.file} (group ${name})`,
      });
    } else if (key === 'children') {
      for (const [child, childNode, childPos] of entries(source, pair.value, `children of group '${name}'`)) {
        parseGroup(source, inventory, child, childNode, childPos);
        inventory.addChild(name, child, childPos);
      }
    } else if (key === 'hosts') {
      for (const [spec, hostNode, hostPos] of entries(source, pair.value, `hosts of group '${name}'`)) {
        parseHost(source, inventory, name, spec, hostNode, hostPos);
      }
    } else {
      // Ansible only warns here; a typo such as 'host:' would silently drop hosts
      throw new InventoryError(`unexpected key '${key}' in group '${name}': use hosts, children or vars`, keyPos);
    }
  }
}

function parseHost(source: YamlSource, inventory: Inventory, group: string, spec: string, node: unknown, pos: SourcePos): void {
  let names: string[];
  let port: number | undefined;
  try {
    ({ names, port } = expandHostSpec(spec));
  } catch (err) {
    if (err instanceof HostPatternError) throw new InventoryError(err.message, pos);
    throw err;
  }
  const vars = mappingToVars(source, node, `host '${spec}'`);
  if (port !== undefined && vars.ansible_port === undefined) vars.ansible_port = port;
  for (const host of names) {
    inventory.addHost(host, group, pos);
    if (Object.keys(vars).length > 0) inventory.setHostVars(host, { ...vars }, { source: `${source.file} (host ${host})` });
  }
}

/** The entries of a hosts/children mapping; a bare name is accepted as a mapping with one empty entry. */
function entries(source: YamlSource, node: unknown, what: string): Array<[string, unknown, SourcePos]> {
  if (isEmpty(node)) return [];
  if (isScalar(node)) return [[String(node.value), null, positionOf(source, node)]];
  if (!isMap(node)) throw new InventoryError(`${what} must be a mapping of names`, positionOf(source, node));
  return node.items.map((pair) => [keyText(source, pair.key), pair.value, positionOf(source, pair.key)]);
}

function keyText(source: YamlSource, key: unknown): string {
  if (isScalar(key) && key.value !== null && typeof key.value !== 'object') return String(key.value);
  throw new InventoryError('expected a name here', positionOf(source, key));
}

function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === ''));
}
