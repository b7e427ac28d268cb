/**
 * What a run tells the outside world. Task state lives in the engine; the
 * reporters (terminal, plain lines, JSON lines) only listen to these.
 */
import type { SourcePos } from '../errors.js';
import type { Diff, ProgressUnit } from '../modules/types.js';

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface Counters {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export const emptyCounters = (): Counters => ({
  ok: 0,
  changed: 0,
  unreachable: 0,
  failed: 0,
  skipped: 0,
  rescued: 0,
  ignored: 0,
});

export type RunEvent =
  | { type: 'run_start'; runId: string; playbook: string; /** plays, imported ones included */ plays?: number; check: boolean; diff: boolean; inventory: string[] }
  | { type: 'play_start'; name: string; hosts: string[]; pos?: SourcePos | undefined }
  | {
      type: 'task_start';
      name: string;
      module: string;
      role?: string | undefined;
      handler: boolean;
      pos?: SourcePos | undefined;
      hosts: string[];
    }
  | {
      type: 'host_result';
      task: string;
      module?: string | undefined;
      host: string;
      status: HostStatus;
      /** a failure that ignore_errors turned into a pass */
      ignored?: boolean;
      delegatedTo?: string | undefined;
      /** loop item label */
      item?: string | undefined;
      msg?: string | undefined;
      diff?: Diff[] | undefined;
      /** the registered result, redacted when no_log */
      result?: Record<string, unknown> | undefined;
      durationMs: number;
      pos?: SourcePos | undefined;
    }
  | { type: 'warning'; host?: string | undefined; msg: string }
  /** an `until` attempt did not meet its condition: another comes after `delay` (Ansible's FAILED - RETRYING line) */
  | {
      type: 'retry';
      task: string;
      host: string;
      delegatedTo?: string | undefined;
      /** attempts still to come */
      retriesLeft: number;
      /** the attempt's result, censored when no_log */
      result: Record<string, unknown>;
    }
  /**
   * A debug line shown from -vvv on, as Ansible's connection plugins print
   * them: `<127.0.0.1> EXEC /bin/sh -c '...'`. Never holds a secret.
   */
  | { type: 'verbose'; host?: string | undefined; msg: string }
  /** a meta task ran (Ansible prints its banner, and `META: msg` at -vv) */
  | { type: 'meta'; name: string; role?: string | undefined; handler: boolean; pos?: SourcePos | undefined; msg: string }
  | {
      /**
       * A long wait, still under way: a download, an upload, a health check
       * that retries, the rounds of a rolling restart. Emitted at most a few
       * times a second per wait; reporters decide how often to show it.
       */
      type: 'progress';
      /** the same for every update of one wait */
      key: string;
      host?: string | undefined;
      task?: string | undefined;
      /** what is happening, in words: `waiting for 2/3 healthy`, `downloading etcd.tar.gz` */
      text: string;
      done?: number | undefined;
      total?: number | undefined;
      unit?: ProgressUnit | undefined;
      /** since the wait's first update */
      elapsedMs: number;
      /** the wait is over (its live line goes away) */
      end?: boolean | undefined;
    }
  | { type: 'play_end'; name: string }
  | { type: 'rollback_start'; hosts: string[]; reason: string }
  | {
      type: 'rollback_step';
      host: string;
      task: string;
      /** refused: the host no longer holds what the run left there; the change stays */
      status: 'undone' | 'refused' | 'failed' | 'cannot_undo';
      msg?: string | undefined;
    }
  | { type: 'rollback_end'; undone: number; refused: number; failed: number; cannotUndo: number }
  | {
      type: 'recap';
      runId: string;
      hosts: Record<string, Counters>;
      durationMs: number;
      /** milliseconds spent per phase (connect, facts, plan, apply), summed over hosts */
      phases: Record<string, number>;
    };

export interface EventSink {
  emit(event: RunEvent): void;
}

/** Several listeners at once (a reporter and the JSON log, say). */
export class EventBus implements EventSink {
  private readonly listeners: Array<(event: RunEvent) => void> = [];
  on(listener: (event: RunEvent) => void): this {
    this.listeners.push(listener);
    return this;
  }
  emit(event: RunEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
