/**
 * A module of the user's own: a Python file from a `library/` folder
 * (src/load/library.ts finds it). It is sent to the host with its
 * arguments and run there, handed its arguments as Ansible hands them for
 * the module's style (module-source.ts): the envelope
 * `{"ANSIBLE_MODULE_ARGS": {...}}` on stdin and in a file named by argv[1]
 * for a module importing `ansible.module_utils`; the JSON pasted into its
 * source, a JSON file or a `key=value` file for the older styles. Its
 * JSON answer is the task's result.
 *
 * Ansible sends `ansible.module_utils` along inside its AnsiballZ package;
 * ezplay sends the file alone, so a module that imports them runs only
 * where the host's Python can import them (ansible-core installed there),
 * and fails before running otherwise, saying so.
 *
 * Check mode: a module that declares `supports_check_mode` is asked first
 * with `_ansible_check_mode` (that run is the plan: no change means no
 * step); any other module is skipped in check mode. What a module changes
 * is its own business: it cannot be undone.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { quote } from '../../shell/quote.js';
import { shlexSplit } from '../../shell/shlex.js';
import { defineModule, type ArgSchema, type HostContext, type Module, type Step } from '../types.js';
import { moduleResult } from './module-result.js';
import { JSONARGS_MARK, readModuleSource, type ModuleSource } from './module-source.js';

/**
 * Runs on the host: writes the module (and its arguments file) to a
 * private temporary folder, runs it with its interpreter, passes its
 * output and exit status through, and removes the folder.
 */
const RUNNER = [
  'import json, os, shutil, subprocess, sys, tempfile',
  'p = json.loads(sys.stdin.read())',
  "d = tempfile.mkdtemp(prefix='ezplay-module-')",
  'try:',
  "    f = os.path.join(d, p['name'] + '.py')",
  "    open(f, 'w').write(p['source'])",
  "    argv = (p['interpreter'] or [sys.executable]) + [f]",
  "    if p['argsFile'] is not None:",
  "        a = os.path.join(d, 'args')",
  "        open(a, 'w').write(p['argsFile'])",
  '        argv.append(a)',
  "    r = subprocess.run(argv, input=p['stdin'].encode())",
  'finally:',
  '    shutil.rmtree(d, ignore_errors=True)',
  'sys.exit(r.returncode)',
].join('\n');

/**
 * The host's Python as Ansible discovers it on the distributions it maps
 * (Debian, Ubuntu, RHEL 8+): /usr/bin/python3, else the first python3 on
 * the PATH. Shell text, evaluated on the host.
 */
export const DISCOVERED_PYTHON = '"$(command -v /usr/bin/python3 || command -v python3)"';

/** The interpreter the host runs modules with, as shell text: ansible_python_interpreter, else the discovered one. */
export function pythonOf(vars: Readonly<Record<string, unknown>>): string {
  let given: unknown;
  try {
    given = vars.ansible_python_interpreter;
  } catch {
    // a value naming what ezplay does not define (ansible_playbook_python): discover, as for `auto`
    given = undefined;
  }
  return typeof given === 'string' && given !== '' && !given.startsWith('auto') ? quote(given) : DISCOVERED_PYTHON;
}

export function runnerCommand(python: string): string {
  return `${python} -c ${quote(RUNNER)}`;
}

/** Python's `str()` of a value, as Ansible writes old-style `key=value` arguments. */
function pythonText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Python's shlex.quote. */
function shlexQuote(text: string): string {
  return text !== '' && /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'"'"'`)}'`;
}

/** What the runner hands the module: its source, its arguments file, its stdin and interpreter, per the module's style. */
export function runnerInput(name: string, source: string, info: Pick<ModuleSource, 'style' | 'shebang'>, args: Record<string, unknown>, check: boolean): string {
  const internal = { _ansible_check_mode: check, _ansible_no_log: false, _ansible_debug: false, _ansible_diff: false, _ansible_module_name: name };
  // a python `#!` line means the host's Python; another one names its own interpreter
  const interpreter = info.shebang && !/\bpython[\d.]*$/.test(info.shebang.split(/\s+/).pop() ?? '') ? shlexSplit(info.shebang) : null;
  const payload = (src: string, argsFile: string | null, stdin: string) => JSON.stringify({ name, source: src, argsFile, stdin, interpreter });
  switch (info.style) {
    case 'new': {
      const envelope = JSON.stringify({ ANSIBLE_MODULE_ARGS: { ...args, ...internal } });
      return payload(source, envelope, envelope);
    }
    case 'jsonargs':
      return payload(source.split(JSONARGS_MARK).join(JSON.stringify(args)), null, '');
    case 'want_json':
      return payload(source, JSON.stringify(args), '');
    case 'old':
      return payload(source, Object.entries({ ...args, ...internal }).map(([k, v]) => `${k}=${shlexQuote(pythonText(v))}`).join(' '), '');
  }
}

function failure(name: string, result: Record<string, unknown>): ModuleError {
  const msg = typeof result.msg === 'string' && result.msg ? result.msg : `${name} failed`;
  const { msg: _msg, failed: _failed, ...rest } = result;
  return new ModuleError(msg, rest);
}

async function checkModuleUtils(ctx: HostContext, name: string, python: string): Promise<void> {
  const probe = await ctx.probe(`${python} -c ${quote('import ansible.module_utils.basic')}`);
  if (probe.rc === 0) return;
  throw new ModuleError(
    `${name}: the module imports ansible.module_utils, which the host's Python (${python === DISCOVERED_PYTHON ? '/usr/bin/python3 or python3' : python}) cannot import. ` +
      'Ansible sends them inside the module (AnsiballZ); ezplay sends the module file alone, ' +
      'so it runs only on hosts with ansible-core installed for that Python.',
    { rc: probe.rc, stderr: probe.stderr },
  );
}

/**
 * Each alias as an argument of its own: the module gets its arguments
 * under the names the task wrote, as Ansible hands them over (the module
 * resolves its aliases itself).
 */
function namesAsGiven(args: ArgSchema): ArgSchema {
  const out: ArgSchema = {};
  for (const [name, spec] of Object.entries(args)) {
    const { aliases, ...rest } = spec;
    out[name] = rest;
    for (const alias of aliases ?? []) out[alias] = { ...rest, description: `Alias of \`${name}\`.` };
  }
  return out;
}

const cache = new Map<string, { mtimeMs: number; module: Module<Record<string, unknown>> }>();

/** The module in `file` (cached until the file changes). */
export function libraryModule(file: string): Module<Record<string, unknown>> {
  const mtimeMs = statSync(file).mtimeMs;
  const known = cache.get(file);
  if (known?.mtimeMs === mtimeMs) return known.module;
  const module = buildLibraryModule(file, readFileSync(file, 'utf8'));
  cache.set(file, { mtimeMs, module });
  return module;
}

export function buildLibraryModule(file: string, source: string): Module<Record<string, unknown>> {
  const name = path.basename(file, '.py');
  const info = readModuleSource(source);
  const secret = Object.values(info.args ?? {}).some((spec) => spec.noLog);
  return defineModule<Record<string, unknown>>({
    name,
    summary: info.shortDescription ?? `Python module ${file}`,
    description: `The Python module ${file}, run on the host.`,
    args: info.args ? namesAsGiven(info.args) : {},
    // without DOCUMENTATION there is nothing to check names against: any argument goes, as in Ansible
    freeArgs: info.args === undefined,
    async plan(ctx, args) {
      // only a module Ansible wraps itself (it imports module_utils) may do without a `#!` line
      if (info.style !== 'new' && !info.shebang) throw new ModuleError(`module (${name}) is missing interpreter line`);
      const python = pythonOf(ctx.vars);
      if (info.importsModuleUtils) await checkModuleUtils(ctx, name, python);
      const command = runnerCommand(python);
      const run: Step = {
        kind: 'exec',
        command,
        stdin: runnerInput(name, source, info, args, false),
        description: `run the module ${name} (${file})`,
        allowFailure: true,
        ...(secret ? { secret: true } : {}),
      };
      const afterApply = (outputs: Array<{ stdout: string; stderr: string; rc: number }>) => {
        const out = outputs[0];
        return out ? moduleResult(out) : { failed: true, msg: `${name}: the module did not run` };
      };
      if (info.style !== 'new' || !info.supportsCheckMode) return { changed: true, opaque: true, steps: [run], afterApply };
      const asked = moduleResult(await ctx.probe(command, { stdin: runnerInput(name, source, info, args, true) }));
      if (asked.failed === true) throw failure(name, asked);
      const facts = typeof asked.ansible_facts === 'object' && asked.ansible_facts !== null ? { facts: asked.ansible_facts as Record<string, unknown> } : {};
      if (asked.changed !== true) return { changed: false, result: asked, ...facts };
      return { changed: true, steps: [run], afterApply, result: asked, ...facts };
    },
  });
}
