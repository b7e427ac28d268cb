/**
 * What the run knows of each host across plays: gathered facts, set_fact
 * and registered values, whether it failed or is unreachable, its counters.
 */
import { literalValues as literalLayer } from '../vars/resolver.js';
import { emptyCounters, type Counters } from './events.js';

export class HostState {
  /** ansible_facts and ansible_* from gather_facts */
  private facts: Record<string, unknown> = {};
  /** set_fact and register */
  private assigned: Record<string, unknown> = {};
  /** include_vars: read from controller files, so templates are rendered when used */
  private included: Record<string, unknown> = {};
  private factCache: Record<string, unknown> | undefined;
  private assignedCache: Record<string, unknown> | undefined;
  failed = false;
  unreachable = false;
  /** how many times meta: clear_host_errors has run for this host: an always section must not undo it */
  errorsCleared = 0;
  /** the failure was caught by a rescue section */
  rescued = false;
  /** the task and result that last failed, for a rescue's ansible_failed_task/ansible_failed_result */
  lastFailure: { task: Record<string, unknown>; result: Record<string, unknown> } | undefined;
  readonly counters: Counters = emptyCounters();

  constructor(readonly name: string) {}

  get active(): boolean {
    return !this.failed && !this.unreachable;
  }

  setFacts(values: Record<string, unknown>): void {
    Object.assign(this.facts, values);
    this.factCache = undefined;
  }

  assign(values: Record<string, unknown>): void {
    Object.assign(this.assigned, values);
    this.assignedCache = undefined;
  }

  include(values: Record<string, unknown>): void {
    Object.assign(this.included, values);
  }

  includedLayer(): Record<string, unknown> {
    return this.included;
  }

  /** facts as a variable layer whose values are never rendered again */
  factLayer(): Record<string, unknown> {
    this.factCache ??= literalLayer(this.facts);
    return this.factCache;
  }

  assignedLayer(): Record<string, unknown> {
    this.assignedCache ??= literalLayer(this.assigned);
    return this.assignedCache;
  }

  hasFacts(): boolean {
    return Object.keys(this.facts).length > 0;
  }
}
