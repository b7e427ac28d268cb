/**
 * `include_vars`: variables from YAML/JSON files on the controller, set on
 * the host for the rest of the run (above play and role vars, as in
 * Ansible). Reads the controller only; never touches the host.
 */
import { isVaultFile, VaultText } from '../vault/index.js';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ModuleError } from '../errors.js';

/** Ansible's include_vars fails with `message` (not only `msg`) in its result, which playbooks read. */
function includeVarsError(message: string): ModuleError {
  return new ModuleError(message, { message, ansible_facts: {}, ansible_included_var_files: [] });
}
import { defineModule, type HostContext } from './types.js';

export interface IncludeVarsArgs {
  file?: string;
  dir?: string;
  name?: string;
  depth: number;
  files_matching?: string;
  ignore_files: string[];
  extensions: string[];
  ignore_unknown_extensions: boolean;
  hash_behaviour?: 'replace' | 'merge';
}

/** Relative names: the role's vars/, the role, the playbook's vars/, the playbook folder (Ansible's search order). */
export function varsCandidates(ctx: Pick<HostContext, 'roleDir' | 'playbookDir'>, name: string): string[] {
  if (path.isAbsolute(name)) return [name];
  return [
    ...(ctx.roleDir ? [path.join(ctx.roleDir, 'vars', name), path.join(ctx.roleDir, name)] : []),
    path.join(ctx.playbookDir, 'vars', name),
    path.join(ctx.playbookDir, name),
  ];
}

function exists(p: string, kind: 'file' | 'dir'): boolean {
  try {
    const st = statSync(p);
    return kind === 'file' ? st.isFile() : st.isDirectory();
  } catch {
    return false;
  }
}

/** Files of a folder, sorted by name at each level, as Ansible walks them; depth 0 is unlimited. */
export function filesOf(dir: string, args: IncludeVarsArgs, level = 1): string[] {
  const out: string[] = [];
  const matching = args.files_matching !== undefined ? new RegExp(`^(?:${args.files_matching})`) : undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (args.depth === 0 || level < args.depth) out.push(...filesOf(full, args, level + 1));
      continue;
    }
    if (args.ignore_files.includes(entry.name)) continue;
    if (matching && !matching.test(entry.name)) continue;
    const ext = path.extname(entry.name).slice(1);
    if (!args.extensions.includes(ext)) {
      if (args.ignore_unknown_extensions) continue;
      throw includeVarsError(`include_vars: ${full} does not have a valid extension: ${args.extensions.join(', ')}`);
    }
    out.push(full);
  }
  return out;
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    const both = [old, v].every((x) => x !== null && typeof x === 'object' && !Array.isArray(x));
    out[k] = both ? mergeDeep(old as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export const includeVarsModule = defineModule<IncludeVarsArgs>({
  name: 'include_vars',
  summary: 'Load variables from files on the controller',
  description:
    'Reads a YAML or JSON file (`file`, or the free form), or every such file of a folder (`dir`, sorted by name), ' +
    "from the role's `vars/`, the role, the playbook's `vars/` or the playbook folder, and sets the variables on the host " +
    'for the rest of the run. With `name`, they are gathered under that one variable. Never changes the host.',
  controllerOnly: true,
  freeForm: 'file',
  args: {
    file: { type: 'path', description: 'The file to read.' },
    dir: { type: 'path', description: 'A folder whose files are all read, in name order.' },
    name: { type: 'str', description: 'Put the variables under this one variable instead of at the top level.' },
    depth: { type: 'int', default: 0, description: 'With dir: how many folder levels to walk; 0 is all.' },
    files_matching: { type: 'str', description: 'With dir: only files whose names match this regular expression.' },
    ignore_files: { type: 'list', elements: 'str', default: [], description: 'With dir: file names to skip.' },
    extensions: { type: 'list', elements: 'str', default: ['json', 'yaml', 'yml'], description: 'With dir: the file extensions read.' },
    ignore_unknown_extensions: { type: 'bool', default: false, description: 'With dir: skip other files instead of failing.' },
    hash_behaviour: {
      type: 'str',
      choices: ['replace', 'merge'],
      description: '`merge` deep-merges each mapping read into the current value of that variable (with name: into that one variable); default replace.',
    },
  },
  async plan(ctx, args) {
    if ((args.file === undefined) === (args.dir === undefined)) throw includeVarsError('include_vars: give exactly one of file or dir');
    if (!ctx.readVars) throw includeVarsError('include_vars: variables files cannot be read here');
    let files: string[];
    // a folded free form (`include_vars: >`) ends in a line break, which Ansible strips from the name
    if (args.file !== undefined) args = { ...args, file: args.file.replace(/\n+$/, '') };
    if (args.file !== undefined) {
      if (args.file === '') throw includeVarsError('Could not find file on the Ansible Controller (include_vars was given an empty file name)');
      const candidates = varsCandidates(ctx, args.file);
      const found = candidates.find((c) => exists(c, 'file'));
      if (!found) throw includeVarsError(`Could not find or access '${args.file}' on the controller; searched in:\n\t${candidates.join('\n\t')}`);
      files = [found];
    } else {
      const candidates = varsCandidates(ctx, args.dir as string);
      const found = candidates.find((c) => exists(c, 'dir'));
      if (!found) throw includeVarsError(`include_vars: could not find folder '${args.dir}' (looked in ${candidates.join(', ')})`);
      files = filesOf(found, args);
    }
    let vars: Record<string, unknown> = {};
    for (const file of files) Object.assign(vars, ctx.readVars(file));
    if (args.name !== undefined) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(args.name)) throw includeVarsError(`include_vars: '${args.name}' is not a valid variable name`);
      const old = ctx.vars[args.name];
      const base = args.hash_behaviour === 'merge' && old !== null && typeof old === 'object' && !Array.isArray(old) ? old : undefined;
      vars = { [args.name]: base ? mergeDeep(base as Record<string, unknown>, vars) : vars };
    } else if (args.hash_behaviour === 'merge') {
      // without name, each mapping read is merged into the variable's current mapping
      for (const [key, value] of Object.entries(vars)) {
        const old = ctx.vars[key];
        if (isMapping(old) && isMapping(value)) vars[key] = mergeDeep(old, value);
      }
    }
    // what a vaulted file held is shown no more than a no_log task's result, as Ansible hides it
    const hidden = files.some((file) => isVaultFile(file));
    return { changed: false, includedVars: vars, result: { ansible_facts: vars, ansible_included_var_files: files, ...(hidden ? { _ansible_no_log: true } : {}) } };
  },
});

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof VaultText);
}
