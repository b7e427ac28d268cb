/** `ezplay run PLAYBOOK`: load and validate everything, then run. */
import path from 'node:path';
import { EventBus } from '../engine/events.js';
import { playHosts, type RunSummary } from '../engine/run.js';
import { loadCheckedPlaybook, loadHosts, Session } from '../engine/session.js';
import { listedTasks } from '../engine/validate.js';
import { Templar } from '../template/index.js';
import { selectedByTags } from '../engine/tags.js';
import { journalRootOf, projectDirOf } from './project-dir.js';
import { acquireRunLock } from '../engine/run-lock.js';
import { EXIT } from './exit-codes.js';
import { parseExtraVars } from './extra-vars.js';
import { useRunVaultSecrets } from './vault-secrets.js';
import { chooseInventory } from './inventory-choice.js';
import { makeReporter } from './reporter-choice.js';
import { askSecret } from './ask-secret.js';
import { sshOpener } from './ssh-opener.js';
import type { Playbook, TaskNode } from '../load/model.js';
import type { Inventory } from '../inventory/index.js';
import { parseBoolean } from '../common/booleans.js';
import { FactCache, factCacheSettings } from '../engine/fact-cache.js';

export interface RunFlags {
  /** false with --no-wait: refuse instead of waiting for another run's lock */
  wait?: boolean;
  inventory: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: string[];
  forks: string;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  syntaxCheck?: boolean;
  startAtTask?: string;
  verbose: number;
  json?: boolean;
  timings?: boolean;
  color: boolean;
  rollback: boolean;
  forceHandlers?: boolean;
  flushCache?: boolean;
  rolesPath: string[];
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
  askPass?: boolean;
  askVaultPass?: boolean;
  vaultPasswordFile?: string[];
  vaultId?: string[];
  user?: string;
  connection?: string;
  privateKey?: string;
  become?: boolean;
  becomeUser?: string;
}

/**
 * `-u`, `-c`, `--private-key`, `-b` and `--become-user` as ansible-playbook
 * takes them: defaults under every variable of the inventory, so a host's
 * own `ansible_user` (say) still wins.
 */
export function commandLineVars(flags: Pick<RunFlags, 'user' | 'connection' | 'privateKey' | 'become' | 'becomeUser'>): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  if (flags.user !== undefined) vars.ansible_user = flags.user;
  if (flags.connection !== undefined) vars.ansible_connection = flags.connection;
  if (flags.privateKey !== undefined) vars.ansible_private_key_file = path.resolve(flags.privateKey);
  if (flags.become) vars.ansible_become = true;
  if (flags.becomeUser !== undefined) vars.ansible_become_user = flags.becomeUser;
  return vars;
}

const splitTags = (values: string[]) => values.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);

/** A task as --list-tasks names it: `role : name`, an include_role without its role (as Ansible), an unnamed task by its module. */
export function taskListing(t: TaskNode): string {
  const role = t.role && t.name !== undefined && t.include?.kind !== 'include_role' ? `${t.role.name} : ` : '';
  return `${role}${t.name ?? t.module}`;
}

/** Tags written as templates, rendered with the play's and the extra variables, as ansible-playbook lists them. */
function listedTags(tags: string[], vars: Record<string, unknown>): string[] {
  if (!tags.some((t) => t.includes('{{'))) return tags;
  const templar = new Templar();
  return tags.flatMap((tag) => {
    if (!tag.includes('{{')) return [tag];
    try {
      const value = templar.renderValue(tag, vars);
      return (Array.isArray(value) ? value : String(value).split(',')).map((t) => String(t).trim()).filter(Boolean);
    } catch {
      return [tag];
    }
  });
}

function listing(playbook: Playbook, inventory: Inventory, flags: RunFlags, write: (s: string) => void, extraVars: Record<string, unknown> = {}): void {
  const only = splitTags(flags.tags);
  const skip = splitTags(flags.skipTags);
  write(`\nplaybook: ${path.relative(process.cwd(), playbook.file)}`);
  for (const play of playbook.plays) {
    const patterns = play.hostsList ?? [play.hosts];
    write(`\n  play #${playbook.plays.indexOf(play) + 1} (${patterns.join(',')}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`);
    if (flags.listHosts) {
      const hosts = playHosts(play, { inventory, limit: flags.limit });
      write(`    pattern: [${patterns.map((p) => `'${p}'`).join(', ')}]\n    hosts (${hosts.length}):`);
      for (const h of hosts) write(`      ${h}`);
    }
    const vars = { ...play.vars, ...extraVars };
    const tasks = play.sections
      .flatMap((s) => listedTasks(s))
      .map((t) => ({ ...t, tags: listedTags(t.tags, vars) }))
      .filter((t) => selectedByTags(t.tags, only, skip));
    if (flags.listTasks) {
      write('    tasks:');
      // as ansible-playbook lists them: tags sorted without repeats; an unnamed task by its module alone
      for (const t of tasks) write(`      ${taskListing(t)}\tTAGS: [${[...new Set(t.tags)].sort().join(', ')}]`);
    }
    // each play's own tags and those of its listed tasks, after the play, as ansible-playbook shows them
    if (flags.listTags) write(`      TASK TAGS: [${[...new Set([...play.tags, ...tasks.flatMap((t) => t.tags)])].sort().join(', ')}]`);
  }
}

export async function runCommand(playbookPaths: string | string[], flags: RunFlags): Promise<number> {
  const paths = typeof playbookPaths === 'string' ? [playbookPaths] : playbookPaths;
  const playbookPath = paths.join(' ');
  const write = (s: string) => process.stdout.write(`${s}\n`);
  const say = (s: string) => process.stderr.write(`${s}\n`);
  // before anything is loaded: a vaulted file or an -e @file needs them
  await useRunVaultSecrets(flags);
  const extraVars = parseExtraVars(flags.extraVars);
  const forks = Number(flags.forks);
  if (!Number.isInteger(forks) || forks < 1) {
    const { OptionsError } = await import('../errors.js');
    throw new OptionsError(`--forks must be a positive whole number, got '${flags.forks}'`);
  }
  // several playbooks are one run: their plays one after the other, as ansible-playbook runs them
  const loaded = paths.map((p) => loadCheckedPlaybook(p, { rolesPath: flags.rolesPath, extraVars }));
  const playbook: Playbook = { ...loaded[0]!, plays: loaded.flatMap((p) => p.plays) };
  if (flags.syntaxCheck) {
    for (const p of paths) write(`\nplaybook: ${p}`);
    return EXIT.ok;
  }
  const inventoryPaths = await chooseInventory(flags.inventory, flags.json ? () => {} : say, {
    implicitLocalhost: true,
    warn: (msg) => say(`[WARNING]: ${msg}`),
  });
  const inventory = await loadHosts(inventoryPaths, playbook.dir);
  inventory.commandLineVars = commandLineVars(flags);
  if (flags.listHosts || flags.listTasks || flags.listTags) {
    const { renderPlayPatterns } = await import('../engine/play-pattern.js');
    listing(renderPlayPatterns(playbook, { inventory, extraVars, templar: new Templar() }), inventory, flags, write, extraVars);
    return EXIT.ok;
  }
  const becomePassword = flags.askBecomePass ? await askSecret('BECOME password: ') : undefined;
  const sshPassword = flags.askPass ? await askSecret('SSH password: ') : undefined;
  const journalRoot = journalRootOf(projectDirOf(playbook.file));
  // a --check run changes nothing: it needs no lock and waits for no one
  const lock = flags.check ? undefined : await acquireRunLock(path.dirname(journalRoot), `ezplay run ${playbookPath}`, { wait: flags.wait !== false, say });
  try {
    return await runLocked(playbook, inventory, inventoryPaths, flags, { journalRoot, becomePassword, sshPassword, extraVars, forks });
  } finally {
    lock?.release();
  }
}

async function runLocked(
  playbook: Playbook,
  inventory: Inventory,
  inventoryPaths: string[],
  flags: RunFlags,
  how: { journalRoot: string; becomePassword: string | undefined; sshPassword: string | undefined; extraVars: Record<string, unknown>; forks: number },
): Promise<number> {
  const { journalRoot, becomePassword, sshPassword, extraVars, forks } = how;
  const bus = new EventBus();
  const reporter = await makeReporter(flags, bus);
  const session = new Session({
    journalRoot,
    openConnection: sshOpener({ acceptNewHostKeys: flags.acceptNewHostKeys ?? false, password: sshPassword }),
    becomePassword,
    wait: flags.wait !== false,
  });
  const cacheSettings = factCacheSettings(process.env);
  const factCache = cacheSettings ? new FactCache(cacheSettings) : undefined;
  // --flush-cache: every inventory host starts without cached facts
  if (flags.flushCache) factCache?.flush(inventory.hosts.keys());
  let summary: RunSummary;
  try {
    summary = await session.run(playbook, {
      factCache,
      inventory,
      inventoryPaths,
      check: flags.check ?? false,
      diff: flags.diff ?? false,
      limit: flags.limit,
      tags: splitTags(flags.tags),
      skipTags: splitTags(flags.skipTags),
      extraVars,
      forks,
      startAtTask: flags.startAtTask,
      rollback: flags.rollback,
      // Ansible's FORCE_HANDLERS setting, from its environment variable
      forceHandlers: flags.forceHandlers || parseBoolean(process.env.ANSIBLE_FORCE_HANDLERS ?? '') === true,
      verbosity: flags.verbose,
      events: bus,
      templar: new Templar(),
    });
  } finally {
    await session.close();
  }
  await reporter.flush();
  if (summary.failed) return EXIT.hostFailed;
  if (summary.unreachable) return EXIT.hostUnreachable;
  return EXIT.ok;
}
