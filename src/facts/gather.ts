/**
 * Gathering facts for one task on one host: what a plan asks for runs in
 * one round trip (several facts are batched into one command, framed by
 * section markers), each answer is cached for the task, and in check mode
 * each answer is adjusted by what earlier planned steps would have made.
 */
import { EzplayError, ModuleError, type SourcePos } from '../errors.js';
import type { PlannedState } from './planned.js';
import { batchProbe, parseSections, section } from './sections.js';
import type { Fact, FactOutput } from './types.js';

/** Runs one read-only command on the host (with the task's become). */
export type FactExec = (command: string) => Promise<FactOutput>;

/** One fact and its arguments, as `gatherAll` takes them. */
export interface FactRequest<A = unknown, T = unknown> {
  fact: Fact<A, T>;
  args: A;
}

export function ask<A, T>(fact: Fact<A, T>, args: A): FactRequest<A, T> {
  return { fact, args };
}

type Values<R extends readonly FactRequest[]> = { [K in keyof R]: R[K] extends FactRequest<any, infer T> ? T : never };

export interface GatherOptions {
  /** read again instead of answering from the cache (a module polling until something holds) */
  fresh?: boolean;
}

export class FactGatherer {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    private readonly exec: FactExec,
    /** check mode only: what earlier planned steps on this host would have made */
    private readonly planned?: PlannedState,
    private readonly pos?: SourcePos,
  ) {}

  gather<A, T>(fact: Fact<A, T>, args: A, options: GatherOptions = {}): Promise<T> {
    return this.gatherAll([{ fact, args }] as const, options).then(([value]) => value as T);
  }

  /** Every request answered, the ones not cached yet in one command. */
  async gatherAll<R extends readonly FactRequest<any, any>[]>(requests: R, options: GatherOptions = {}): Promise<Values<R>> {
    const keys = requests.map((r) => `${r.fact.name}\0${JSON.stringify(r.args) ?? ''}`);
    const missing = requests
      .map((request, index) => ({ request, key: keys[index] as string }))
      .filter(({ key }, index) => (options.fresh || !this.cache.has(key)) && keys.indexOf(key) === index);
    if (missing.length === 1) {
      const [{ request, key }] = missing as [{ request: FactRequest; key: string }];
      this.cache.set(key, this.exec(request.fact.command(request.args)).then((out) => this.parse(request, out)));
    } else if (missing.length > 1) {
      const batch = this.exec(batchProbe(missing.map(({ request }, i) => ({ name: `f${i}`, command: request.fact.command(request.args) }))));
      missing.forEach(({ request, key }, i) => {
        this.cache.set(
          key,
          batch.then((out) => {
            // one command for all: each parser sees its own section, and the batch's stderr
            const own = section(parseSections(out.stdout), `f${i}`);
            return this.parse(request, { stdout: own.out, stderr: out.stderr, rc: own.rc });
          }),
        );
      });
    }
    const values = await Promise.all(keys.map((key) => this.cache.get(key)));
    return values as Values<R>;
  }

  private parse(request: FactRequest, out: FactOutput): unknown {
    let value: unknown;
    try {
      value = request.fact.parse(out, request.args);
    } catch (error) {
      if (error instanceof EzplayError) throw error;
      throw new ModuleError((error as Error).message, { rc: out.rc }, this.pos);
    }
    return this.planned && request.fact.planned ? request.fact.planned(value, this.planned, request.args) : value;
  }
}
