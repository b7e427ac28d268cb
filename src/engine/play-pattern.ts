/**
 * A play's `hosts:` and `vars_files:` rendered as Ansible renders them when
 * the play starts: with the play's vars, its vars_files, the extra vars and
 * the magic variables that need no host (`groups`, `playbook_dir`).
 * Inventory variables are not there: Ansible fails on `hosts: "{{ x }}"`
 * when x is only a group or host variable, and so does ezplay.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EzplayError, LoadError } from '../errors.js';
import type { Inventory } from '../inventory/index.js';
import type { Play, Playbook } from '../load/model.js';
import { readPlayVarsFileSync } from '../load/vars-file.js';
import { OMIT, Templar } from '../template/index.js';

export interface PatternScope {
  inventory: Inventory;
  extraVars: Record<string, unknown>;
  templar: Templar;
  check?: boolean;
}

/** Play vars may refer to each other: a value rendered to more template text is rendered again. */
function renderDeep(templar: Templar, value: unknown, vars: Record<string, unknown>, play: Play): unknown {
  let out = templar.renderValue(value, vars, play.pos);
  for (let depth = 0; depth < 10 && typeof out === 'string' && Templar.isTemplate(out); depth++) {
    out = templar.renderValue(out, vars, play.pos);
  }
  return out;
}

export function loadVarsFiles(play: Play, render: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of play.varsFiles) {
    const candidates = Array.isArray(entry) ? entry : [entry];
    // a list of alternatives: the first file that exists, as in Ansible
    const paths = candidates.map((c) => path.resolve(play.dir, String(render(c))));
    const file = paths.find((p) => existsSync(p));
    if (!file) throw new LoadError(`vars_files: ${paths.length > 1 ? `none of ${paths.join(', ')} exists` : `${paths[0]} does not exist`}`, play.pos);
    Object.assign(out, readPlayVarsFileSync(file));
  }
  return out;
}

/** The variables a play's own keywords (hosts, vars_files, serial) are rendered with. */
export function playLevelVars(play: Play, scope: PatternScope, varsFiles: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    groups: scope.inventory.groupsMap(),
    playbook_dir: play.dir,
    ansible_check_mode: scope.check ?? false,
    omit: OMIT,
    ...play.vars,
    ...varsFiles,
    ...scope.extraVars,
  };
}

/** The play with its host pattern rendered (and its name, when the pattern stood for it). */
export function renderPlayPattern(play: Play, scope: PatternScope): Play {
  if (!Templar.isTemplate(play.hosts)) return play;
  const base = playLevelVars(play, scope);
  let hosts: unknown;
  try {
    const varsFiles = loadVarsFiles(play, (v) => renderDeep(scope.templar, v, base, play));
    hosts = renderDeep(scope.templar, play.hosts, { ...base, ...varsFiles, ...scope.extraVars }, play);
  } catch (error) {
    if (error instanceof LoadError) throw error;
    const why = error instanceof EzplayError ? error.message : String(error);
    throw new LoadError(`the play's 'hosts' has an invalid value: ${why}`, play.pos, { cause: error });
  }
  const pattern = Array.isArray(hosts) ? hosts.map(String).join(',') : hosts === null ? '' : String(hosts);
  return { ...play, hosts: pattern, name: play.name === play.hosts ? pattern : play.name };
}

/** Every play's pattern, rendered up front so that a bad one fails before any host is contacted. */
export function renderPlayPatterns(playbook: Playbook, scope: PatternScope): Playbook {
  if (!playbook.plays.some((p) => Templar.isTemplate(p.hosts))) return playbook;
  return { ...playbook, plays: playbook.plays.map((p) => renderPlayPattern(p, scope)) };
}
