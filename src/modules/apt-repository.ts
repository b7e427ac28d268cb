/**
 * `apt_repository`: a one-line apt source present or absent, in
 * /etc/apt/sources.list and /etc/apt/sources.list.d/*.list, edited as
 * Ansible's module edits them (apt-sources-edit.ts). Each changed file is
 * written through the module kit and restored by undo; a file left without
 * lines is moved into the run's backups, as Ansible deletes it. With
 * `update_cache` (the default) a change is followed by `apt-get update`.
 */
import { ModuleError } from '../errors.js';
import { aptSourcesFact, SOURCES_PARTS } from '../facts/apt-sources.js';
import { dumpSourcesFile, editSources, parseSourcesFile, repoSource, sourceFileName, type SourceLine } from './apt-sources-edit.js';
import { planFileTexts, type FileText } from './file-texts-plan.js';
import { defineModule, type Step } from './types.js';

export interface AptRepositoryArgs {
  repo: string;
  state: 'present' | 'absent';
  mode?: number;
  update_cache: boolean;
  update_cache_retries: number;
  update_cache_retry_max_delay: number;
  filename?: string;
  install_python_apt: boolean;
  validate_certs: boolean;
  codename?: string;
}

/** `apt-get update`, tried `retries` times with a doubling pause of at most `maxDelay` seconds, as Ansible retries. */
export function updateCacheStep(retries: number, maxDelay: number): Step {
  const tries = Math.max(1, retries);
  return {
    kind: 'exec',
    command: [
      'n=1; d=1',
      'until DEBIAN_FRONTEND=noninteractive apt-get -q update; do',
      `  [ "$n" -ge ${tries} ] && exit 1`,
      `  n=$((n + 1)); sleep "$d"; d=$((d * 2)); [ "$d" -gt ${Math.max(1, maxDelay)} ] && d=${Math.max(1, maxDelay)}`,
      'done',
    ].join('\n'),
    description: 'update the apt cache',
  };
}

export const aptRepositoryModule = defineModule<AptRepositoryArgs>({
  name: 'apt_repository',
  summary: 'Add or remove an apt source line',
  description:
    "Reads every one-line source file, and adds `repo` (enabling a disabled copy of it where there is one, else " +
    'appending it to `filename`.list or a file named after its host and path in /etc/apt/sources.list.d) or removes ' +
    "every enabled line of it. A changed file is written back as Ansible writes it (spaces collapsed, `# ` before a " +
    'disabled line); a file left empty is moved into the backups. The diff shows each file. Undo restores the files; ' +
    'the apt cache is not updated again by undo. `ppa:` repositories are not supported.',
  args: {
    repo: { type: 'str', required: true, description: 'The source line: `deb [signed-by=/etc/apt/keyrings/x.gpg] https://example.com/debian bookworm main`.' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Whether the source line is there (enabled).' },
    mode: { type: 'mode', description: 'Permission bits of a file a line is added to (default 0644 for a new file).' },
    update_cache: { type: 'bool', default: true, aliases: ['update-cache'], description: 'Run `apt-get update` after a change.' },
    update_cache_retries: { type: 'int', default: 5, description: 'How many times to try `apt-get update`.' },
    update_cache_retry_max_delay: { type: 'int', default: 12, description: 'The longest pause between tries, in seconds (the pause doubles from 1).' },
    filename: { type: 'str', description: 'The file to add the line to, without `.list`, in /etc/apt/sources.list.d (a path with `/` as given).' },
    install_python_apt: { type: 'bool', default: true, description: 'Accepted for compatibility: ezplay needs no python3-apt on the host.' },
    validate_certs: { type: 'bool', default: true, description: 'Accepted for compatibility (used by Ansible only for ppa: lookups).' },
    codename: { type: 'str', description: 'Accepted for compatibility (used by Ansible only for ppa: repositories).' },
  },
  async plan(ctx, args) {
    if (args.repo.trim().startsWith('ppa:')) throw new ModuleError('apt_repository: ppa: repositories are not supported; give the deb line');
    let source: string;
    try {
      source = repoSource(args.repo);
    } catch (error) {
      throw new ModuleError((error as Error).message);
    }
    const texts = await ctx.gather(aptSourcesFact, undefined);
    const before = new Map<string, SourceLine[]>([...texts].map(([file, text]) => [file, parseSourcesFile(text)]));
    const target = sourceFileName(source, args.filename, SOURCES_PARTS);
    const after = editSources(before, source, args.state, target);
    const result = { repo: args.repo, state: args.state };
    const files: FileText[] = [];
    for (const [file, lines] of after) {
      const old = before.get(file);
      if (old !== undefined && dumpSourcesFile(old) === dumpSourcesFile(lines)) continue;
      const added = file === target && args.state === 'present';
      files.push({ path: file, before: texts.get(file), after: lines.length ? dumpSourcesFile(lines) : undefined, attributes: added ? { mode: args.mode } : undefined });
    }
    if (!files.length) return { changed: false, result };
    const plan = await planFileTexts(ctx, files);
    if (!plan.changed) return { changed: false, result };
    const steps = args.update_cache ? [...(plan.steps ?? []), updateCacheStep(args.update_cache_retries, args.update_cache_retry_max_delay)] : plan.steps;
    return { ...plan, steps, result };
  },
});
