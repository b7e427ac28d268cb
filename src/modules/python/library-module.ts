/**
 * A module of the user's own: a Python file from a `library/` folder
 * (src/load/library.ts finds it). It is sent to the host with its
 * arguments and run by the host's Python, as Ansible runs a new-style
 * module: `{"ANSIBLE_MODULE_ARGS": {...}}` on stdin and in a file named by
 * argv[1]; its JSON answer is the task's result.
 *
 * Ansible sends `ansible.module_utils` along inside its AnsiballZ package;
 * ezplay sends the file alone, so a module that imports them runs only
 * where the host's Python can import them (ansible-core installed there),
 * and fails before running otherwise, saying so.
 *
 * Check mode as in Ansible: a module that declares `supports_check_mode`
 * is asked first with `_ansible_check_mode` (that run is the plan: no
 * change means no step); any other module is skipped in check mode.
 * What a module changes is its own business: it cannot be undone.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { quote } from '../../shell/quote.js';
import { defineModule, type HostContext, type Module, type Step } from '../types.js';
import { moduleResult } from './module-result.js';
import { readModuleSource } from './module-source.js';

/**
 * Runs on the host: writes the module to a private temporary folder,
 * runs it with the arguments on stdin and in a file (argv[1]), passes its
 * output and exit status through, and removes the folder.
 */
const RUNNER = [
  'import json, os, shutil, subprocess, sys, tempfile',
  'p = json.loads(sys.stdin.read())',
  "d = tempfile.mkdtemp(prefix='ezplay-module-')",
  'try:',
  "    f = os.path.join(d, p['name'] + '.py')",
  "    a = os.path.join(d, 'args')",
  "    open(f, 'w').write(p['source'])",
  "    open(a, 'w').write(json.dumps(p['args']))",
  "    r = subprocess.run([sys.executable, f, a], input=json.dumps(p['args']).encode())",
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

/** The stdin of the runner: the module's name, its source and Ansible's argument envelope. */
export function runnerInput(name: string, source: string, args: Record<string, unknown>, check: boolean): string {
  const moduleArgs = { ...args, _ansible_check_mode: check, _ansible_module_name: name, _ansible_no_log: false, _ansible_diff: false };
  return JSON.stringify({ name, source, args: { ANSIBLE_MODULE_ARGS: moduleArgs } });
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
    description: `The Python module ${file}, run on the host with its Python.`,
    args: info.args ?? {},
    // without DOCUMENTATION there is nothing to check names against: any argument goes, as in Ansible
    freeArgs: info.args === undefined,
    async plan(ctx, args) {
      const python = pythonOf(ctx.vars);
      if (info.importsModuleUtils) await checkModuleUtils(ctx, name, python);
      const command = runnerCommand(python);
      const run: Step = {
        kind: 'exec',
        command,
        stdin: runnerInput(name, source, args, false),
        description: `run the module ${name} (${file})`,
        allowFailure: true,
        ...(secret ? { secret: true } : {}),
      };
      const afterApply = (outputs: Array<{ stdout: string; stderr: string; rc: number }>) => {
        const out = outputs[0];
        return out ? moduleResult(out) : { failed: true, msg: `${name}: the module did not run` };
      };
      if (!info.supportsCheckMode) return { changed: true, opaque: true, steps: [run], afterApply };
      const asked = moduleResult(await ctx.probe(command, { stdin: runnerInput(name, source, args, true) }));
      if (asked.failed === true) throw failure(name, asked);
      if (asked.changed !== true) return { changed: false, result: asked };
      return { changed: true, steps: [run], afterApply, result: asked };
    },
  });
}
