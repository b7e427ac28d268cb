/**
 * `pip`: Python packages, planned from `pip list --format=json` (the
 * `pip_packages` fact). Plain requirements (`PyYAML`, `passlib>=1.7`) are
 * judged against what is installed, so a converged host plans nothing;
 * requirements files, URLs and `state: latest` are left to pip, and the
 * task's `changed` comes from comparing the package list before and after,
 * as Ansible compares `pip freeze`.
 */
import { ModuleError } from '../errors.js';
import { normalizePipName, parsePipList, pipListCommand, pipPackagesFact, type PipPackage } from '../facts/pip.js';
import { quote, quoteArgs } from '../shell/quote.js';
import { shlexSplit } from '../shell/shlex.js';
import { pythonOf } from './python/library-module.js';
import { parseRequirement, satisfiesAll, type Requirement } from './pip-requirements.js';
import { defineModule, type Diff, type Step } from './types.js';

export interface PipArgs {
  name?: string[];
  version?: string;
  requirements?: string;
  state: 'present' | 'absent' | 'latest' | 'forcereinstall';
  executable?: string;
  virtualenv?: string;
  virtualenv_command: string;
  virtualenv_python?: string;
  virtualenv_site_packages: boolean;
  extra_args?: string;
  chdir?: string;
  editable: boolean;
  break_system_packages: boolean;
}

/** `name: "foo>=1,<2"` was split at its comma by list coercion: pieces starting with an operator go back onto their name. */
export function recoverNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    if (/^\s*(==|!=|>=|<=|~=|>|<)/.test(n) && out.length) out[out.length - 1] += `,${n.trim()}`;
    else out.push(n.trim());
  }
  return out;
}

/** The pip command line, as shell text: `executable`, else the virtualenv's pip, else the host Python's `-m pip` (`python` is shell text). */
export function pipCommand(args: Pick<PipArgs, 'executable' | 'virtualenv'>, python: string): string {
  if (args.executable) return quote(args.executable);
  if (args.virtualenv) return quote(`${args.virtualenv.replace(/\/+$/, '')}/bin/pip`);
  return `${python} -m pip`;
}

function inDir(chdir: string | undefined, command: string): string {
  return chdir ? `cd ${quote(chdir)} && ${command}` : command;
}

/** What a plain requirement needs against the installed packages: nothing, an install, or a removal. */
export function requirementNeeds(req: Requirement, installed: Map<string, PipPackage>, state: PipArgs['state']): boolean {
  const have = installed.get(req.key);
  if (state === 'absent') return have !== undefined && (req.specifiers.length === 0 || satisfiesAll(have.version, req.specifiers));
  if (state === 'forcereinstall') return true;
  return have === undefined || !satisfiesAll(have.version, req.specifiers);
}

export const pipModule = defineModule<PipArgs>({
  name: 'pip',
  summary: 'Install, upgrade or remove Python packages with pip',
  description:
    'Plans from `pip list --format=json`: plain requirements already satisfied plan nothing. ' +
    '`requirements`, URLs, paths and `state: latest` are left to pip; the result is `changed` when the package list differs afterwards ' +
    '(`--check` then says it would change). With `virtualenv`, a missing one is created first with `virtualenv_command`. ' +
    'Undo uninstalls the named packages the task installed (not the dependencies pip pulled in with them) and installs the old ' +
    'version of a package it upgraded, downgraded or removed, which needs an index that still has it; ' +
    'requirements files, URLs and `latest` cannot be undone. Without `executable` or `virtualenv`, pip is the host Python\'s `-m pip`.',
  args: {
    name: { type: 'list', elements: 'str', description: 'Packages or requirement specifiers (`PyYAML`, `passlib>=1.7`), URLs or paths.' },
    version: { type: 'str', description: 'The version of the single package in `name` (`1.7.4`, or a specifier like `>=1.7`).' },
    requirements: { type: 'str', description: 'A requirements file on the host (relative to `chdir`).' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent', 'latest', 'forcereinstall'], description: 'Installed, removed, upgraded to the newest, or installed again whatever is there.' },
    executable: { type: 'path', description: 'The pip to run (`pip3.11`, a path); not with `virtualenv`.' },
    virtualenv: { type: 'path', description: 'A virtualenv to install into, created when missing.' },
    virtualenv_command: { type: 'str', default: 'virtualenv', description: 'The command creating the virtualenv (`python3 -m venv`).' },
    virtualenv_python: { type: 'str', description: 'The Python the virtualenv is made for (`-p`, for virtualenv only).' },
    virtualenv_site_packages: { type: 'bool', default: false, description: 'Let the virtualenv see the global site-packages.' },
    extra_args: { type: 'str', description: 'More arguments for pip (`--index-url ...`), split as a shell splits them.' },
    chdir: { type: 'path', description: 'Run pip from this folder.' },
    editable: { type: 'bool', default: false, description: 'Install in editable mode (`-e`), for URLs and paths.' },
    break_system_packages: { type: 'bool', default: false, description: 'Pass `--break-system-packages` (PEP 668 hosts).' },
  },
  async plan(ctx, args) {
    const names = recoverNames(args.name ?? []);
    if (!names.length && !args.requirements) throw new ModuleError('pip: one of name or requirements is required');
    if (args.executable && args.virtualenv) throw new ModuleError('pip: executable and virtualenv are mutually exclusive');
    if (args.version !== undefined && names.length !== 1) throw new ModuleError('pip: version is only allowed with a single name');
    if (args.state === 'latest' && args.version !== undefined) throw new ModuleError('pip: version is incompatible with state=latest');
    if (args.version !== undefined) names[0] = /^\s*(==|!=|>=|<=|~=|>|<)/.test(args.version) ? `${names[0]}${args.version.trim()}` : `${names[0]}==${args.version.trim()}`;

    const pip = pipCommand(args, pythonOf(ctx.vars));
    const venv = args.virtualenv?.replace(/\/+$/, '');
    const venvMissing = venv !== undefined && (await ctx.stat(`${venv}/bin/python`)) === null;
    if (venvMissing && args.state === 'absent') return { changed: false, result: { name: names, state: args.state, virtualenv: venv } };
    const installed = venvMissing ? new Map<string, PipPackage>() : await ctx.gather(pipPackagesFact, { pip, ...(args.chdir ? { chdir: args.chdir } : {}) });

    const parsed = names.map((n) => ({ text: n, req: args.editable ? undefined : parseRequirement(n) }));
    const opaque = Boolean(args.requirements) || args.state === 'latest' || parsed.some((p) => !p.req);
    const wanted = parsed.filter((p) => !p.req || requirementNeeds(p.req, installed, args.state));
    const base = { name: names, version: args.version, requirements: args.requirements, state: args.state, virtualenv: venv };
    if (!opaque && !wanted.length && !venvMissing) return { changed: false, result: base };

    const extra = args.extra_args ? shlexSplit(args.extra_args) : [];
    const flags = [...(args.break_system_packages ? ['--break-system-packages'] : []), ...extra];
    const targets = args.state === 'absent' ? wanted.map((p) => p.text) : (opaque ? parsed : wanted).flatMap((p) => (args.editable ? ['-e', p.text] : [p.text]));
    const verb =
      args.state === 'absent'
        ? ['uninstall', '-y']
        : ['install', ...(args.state === 'latest' ? ['-U'] : []), ...(args.state === 'forcereinstall' ? ['-U', '--force-reinstall'] : [])];
    const pipArgs = [...verb, ...flags, ...(args.requirements ? ['-r', args.requirements] : []), ...targets];
    const cmd = `${pip} ${quoteArgs(['--disable-pip-version-check', ...pipArgs])}`;

    const steps: Step[] = [];
    const undo: Step[] = [];
    const diff: Diff[] = [];
    if (venvMissing && venv) {
      const create = [...shlexSplit(args.virtualenv_command), ...(args.virtualenv_site_packages ? ['--system-site-packages'] : []), ...(args.virtualenv_python && !/-m venv/.test(args.virtualenv_command) ? ['-p', args.virtualenv_python] : []), venv];
      steps.push({ kind: 'exec', command: inDir(args.chdir, quoteArgs(create)), description: `create the virtualenv ${venv}` });
      undo.push({ kind: 'exec', command: `rm -rf -- ${quote(venv)}`, description: `remove the virtualenv ${venv}` });
      diff.push({ subject: `virtualenv ${venv}`, before: 'absent', after: 'present', kind: 'summary' });
    }
    steps.push({ kind: 'exec', command: inDir(args.chdir, cmd), description: `pip ${pipArgs.join(' ')}` });
    // what pip left, to tell whether anything changed
    steps.push({ kind: 'exec', command: pipListCommand({ pip, ...(args.chdir ? { chdir: args.chdir } : {}) }), description: 'list the installed packages' });

    for (const p of opaque ? parsed : wanted) {
      const before = p.req ? installed.get(p.req.key) : undefined;
      const subject = `python package ${p.req?.name ?? p.text}`;
      if (args.state === 'absent') diff.push({ subject, before: before?.version ?? 'absent', after: 'absent', kind: 'summary' });
      else diff.push({ subject, before: before?.version ?? 'absent', after: args.state === 'latest' ? 'latest' : p.req?.specifiers.length ? p.req.specifiers.map((s) => s.op + s.version).join(',') : 'installed', kind: 'summary' });
    }
    // venv removal takes everything with it; otherwise each named package goes back to its old state
    const canUndo = !opaque && !venvMissing;
    if (canUndo) {
      const removeNew = wanted.filter((p) => p.req && !installed.has(p.req.key)).map((p) => p.req!.name);
      const restore = wanted.filter((p) => p.req && installed.has(p.req.key)).map((p) => `${installed.get(p.req!.key)!.name}==${installed.get(p.req!.key)!.version}`);
      if (removeNew.length) undo.push({ kind: 'exec', command: inDir(args.chdir, `${pip} ${quoteArgs(['--disable-pip-version-check', 'uninstall', '-y', ...removeNew])}`), description: `uninstall ${removeNew.join(', ')}` });
      if (restore.length) undo.push({ kind: 'exec', command: inDir(args.chdir, `${pip} ${quoteArgs(['--disable-pip-version-check', 'install', ...flags, ...restore])}`), description: `install ${restore.join(', ')} again` });
    }
    const before = [...installed.values()];
    return {
      changed: true,
      diff,
      steps,
      ...(canUndo || venvMissing ? { undo } : {}),
      ...(venv && venvMissing ? { writes: [venv] } : {}),
      result: { ...base, cmd },
      afterApply: (outputs) => {
        const run = outputs[outputs.length - 2];
        const list = outputs[outputs.length - 1];
        const key = (ps: Iterable<PipPackage>) => [...ps].map((p) => `${normalizePipName(p.name)}==${p.version}`).sort().join('\n');
        let same = false;
        try {
          same = key(before) === key(parsePipList(list?.stdout ?? '').values());
        } catch {
          // no list to compare with: pip ran, so say it changed
        }
        return { changed: venvMissing || !same, cmd, stdout: run?.stdout ?? '', stderr: run?.stderr ?? '' };
      },
    };
  },
});
