/**
 * Ansible's jsonfile fact cache: one JSON file per host, `<dir>/<prefix><host>`,
 * holding the host's facts (`ansible_*` names, as gather_facts and
 * `set_fact: cacheable=true` give them). A later run starts with them, so a
 * playbook that caches facts in one run reads them in the next, and a cache
 * written by ansible-playbook is read by ezplay and the other way round.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';

export interface FactCacheSettings {
  dir: string;
  /** Ansible's CACHE_PLUGIN_PREFIX, `ansible_facts` unless set */
  prefix: string;
  /** seconds a file stays valid; 0: forever */
  timeoutSeconds: number;
}

/** The cache Ansible's environment asks for (ANSIBLE_CACHE_PLUGIN=jsonfile and its connection folder), if any. */
export function factCacheSettings(env: NodeJS.ProcessEnv): FactCacheSettings | undefined {
  const plugin = (env.ANSIBLE_CACHE_PLUGIN ?? '').replace(/^ansible\.builtin\./, '');
  if (plugin === '' || plugin === 'memory') return undefined;
  if (plugin !== 'jsonfile') throw new EngineError(`the fact cache plugin '${plugin}' is not supported (jsonfile and memory are)`);
  const dir = env.ANSIBLE_CACHE_PLUGIN_CONNECTION;
  if (!dir) throw new EngineError('the jsonfile fact cache needs a folder: set ANSIBLE_CACHE_PLUGIN_CONNECTION');
  const timeout = Number(env.ANSIBLE_CACHE_PLUGIN_TIMEOUT ?? 86400);
  return { dir, prefix: env.ANSIBLE_CACHE_PLUGIN_PREFIX ?? 'ansible_facts', timeoutSeconds: Number.isFinite(timeout) ? timeout : 86400 };
}

export class FactCache {
  private readonly known = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly settings: FactCacheSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private file(host: string): string {
    return path.join(this.settings.dir, `${this.settings.prefix}${host}`);
  }

  /** The host's cached facts; none when there is no file or it is older than the timeout. */
  load(host: string): Record<string, unknown> {
    let facts = this.known.get(host);
    if (facts) return facts;
    facts = {};
    const file = this.file(host);
    if (existsSync(file)) {
      const age = (this.now() - statSync(file).mtimeMs) / 1000;
      if (this.settings.timeoutSeconds === 0 || age <= this.settings.timeoutSeconds) {
        try {
          const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
          if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) facts = parsed as Record<string, unknown>;
        } catch {
          // a file that is not JSON is a cache miss, as in Ansible
        }
      }
    }
    this.known.set(host, facts);
    return facts;
  }

  /** Adds facts to the host's cache and writes its file. */
  update(host: string, facts: Record<string, unknown>): void {
    const merged = { ...this.load(host), ...facts };
    this.known.set(host, merged);
    mkdirSync(this.settings.dir, { recursive: true });
    writeFileSync(this.file(host), JSON.stringify(merged, null, 4));
  }

  /** --flush-cache: forgets these hosts' facts. */
  flush(hosts: Iterable<string>): void {
    for (const host of hosts) {
      this.known.set(host, {});
      rmSync(this.file(host), { force: true });
    }
  }
}

/** Cached facts as variables: each name as it is, and `ansible_facts` with the `ansible_` taken off, as Ansible injects them. */
export function cachedFactVariables(facts: Record<string, unknown>): Record<string, unknown> {
  const namespaced: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) namespaced[k.startsWith('ansible_') ? k.slice('ansible_'.length) : k] = v;
  return { ...facts, ansible_facts: namespaced };
}
