/**
 * The module contract. A module describes a change; only the engine makes
 * it. `plan` reads the host through `ctx` and never writes; writing happens
 * in `Step`s that the engine runs after recording the plan's `undo` in the
 * run journal. Check mode is the engine stopping after `plan`.
 */
import type { Become, ExecResult, FileStat } from '../connection/types.js';
import type { SourcePos } from '../errors.js';
import type { FactRequest, GatherOptions } from '../facts/gather.js';
import type { PlannedEffect } from '../facts/planned.js';
import type { Fact } from '../facts/types.js';

// ---------------------------------------------------------------- arguments

export type ArgType =
  | 'str'
  | 'int'
  | 'float'
  | 'bool'
  | 'path'
  | 'list'
  | 'dict'
  /** permission bits: 0o644, '0644', '644' and Ansible's YAML-int 420 all mean 0o644 */
  | 'mode'
  /** 'mode', or a symbolic mode (`u+x,g=rw`) as text, for the module to apply to what a path has */
  | 'symbolic_mode'
  | 'raw';

/** A template file as a task names it: its `src` as written and its `dest`. */
export interface TemplateNames {
  path: string;
  dest?: string;
  /** the task's Jinja settings (the template module's delimiter and whitespace arguments) */
  syntax?: TemplateSyntax;
}

/** Jinja settings a template task may change; a file's own `#jinja2:` line still wins. */
export interface TemplateSyntax {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  tags?: { blockStart?: string; blockEnd?: string; variableStart?: string; variableEnd?: string; commentStart?: string; commentEnd?: string };
}

export interface ArgSpec {
  type: ArgType;
  description: string;
  required?: boolean;
  /** the failure's message when a required argument is missing, where Ansible words it its own way ('dest is required') */
  requiredMessage?: string;
  default?: unknown;
  choices?: readonly unknown[];
  aliases?: readonly string[];
  /** for lists: the type of each element */
  elements?: ArgType;
  /** words taken as they are besides the type's own values (a mode's `preserve`) */
  keywords?: readonly string[];
  /** the value is a secret: redacted in diffs, logs and registered results */
  noLog?: boolean;
}

export type ArgSchema = Record<string, ArgSpec>;

// ------------------------------------------------------------------- plans

/** A change in words: a file's content, or a before/after summary. */
export interface Diff {
  /** what changes: a path, `user etcd`, `etcd.service`, `2379/tcp` */
  subject: string;
  before: string;
  after: string;
  /** 'content' diffs are shown as unified diffs, 'summary' ones as `before -> after` */
  kind: 'content' | 'summary';
  /** the content is secret (a private key, what a vault held): shown redacted */
  secret?: boolean;
}

/**
 * One write to a host. Steps are plain data so the journal can store undo
 * steps and `ezplay rollback` can run them after the process that planned
 * them has gone.
 */
export type Step =
  | {
      kind: 'exec';
      /** a shell command line, built with src/shell/quote.ts */
      command: string;
      /** what it does, for logs and the rollback report */
      description: string;
      stdin?: string;
      /**
       * A file on the controller streamed to the command's stdin as it runs
       * (instead of `stdin`): bytes go to the host once, with no upload to
       * clean up. Not with a become password; plan another way then.
       */
      stdinFile?: string;
      /** a non-zero exit is a result, not a failure (command/shell judge it themselves) */
      allowFailure?: boolean;
      /** the stdin holds a secret: the journal stores it redacted */
      secret?: boolean;
      /** where it runs: the task's host (default) or the controller (fetch) */
      on?: 'host' | 'controller';
    }
  | {
      kind: 'put';
      dest: string;
      /** the bytes, or a file on the controller to stream */
      content: { text: string } | { base64: string } | { localPath: string };
      description: string;
      mode?: number;
      owner?: string;
      group?: string;
      secret?: boolean;
      on?: 'host' | 'controller';
    }
  | {
      /**
       * Copies a file from the task's host to the controller (etcd_snapshot):
       * for bytes that exist only once earlier steps have run, so they cannot
       * be a `put` prepared at plan time. The controller folder is created.
       */
      kind: 'fetch';
      /** path on the host, read with the task's become */
      src: string;
      /** path on the controller, written atomically */
      dest: string;
      description: string;
      /** permission bits of the controller copy (default 0600: fetched files are often backups holding secrets) */
      mode?: number;
      secret?: boolean;
      /** always host -> controller; present so `step.on` reads on every kind */
      on?: never;
    };

export interface Plan {
  changed: boolean;
  diff?: Diff[];
  /** run in order, after `undo` is journaled */
  steps?: Step[];
  /**
   * Run in order to take this task's change back. `[]` means there is
   * nothing to undo; `undefined` on a changed plan means the change cannot be
   * undone (a `command` without `rollback:`), which the engine reports as
   * "cannot undo" instead of pretending the rollback was complete.
   */
  undo?: Step[];
  /**
   * Optional: removes what only `undo` needed (the run's backups under the
   * backup root, src/modules/kit/backup.ts). Undo must keep working until
   * these run, so the engine may run them only once the run's journal is discarded.
   */
  cleanup?: Step[];
  /**
   * Absolute paths on the task's host (or its delegate) that `steps` create,
   * change or remove. After the steps ran, the engine records what each
   * path then is (type, content hash, mode, owner) in the journal; undo
   * checks the host still matches before taking the change back, so it
   * never destroys what a later run or a hand edit put there.
   */
  writes?: string[];
  /**
   * The module cannot know its effect before running (command, shell):
   * skipped in check mode unless the task says `check_mode: false`.
   */
  opaque?: boolean;
  /**
   * What the steps would make (paths, contents, attributes, units,
   * accounts): in check mode the engine keeps them per host, and later
   * tasks' facts answer from them.
   */
  effects?: PlannedEffect[];
  /**
   * The change is kept when the run fails: undoing it automatically would be
   * riskier than the failure (removing a member just added to a cluster).
   * Its undo is still journaled, and runs on `ezplay rollback`.
   */
  undoOnRequest?: boolean;
  /** fields of the registered result known at plan time (stat, slurp, facts) */
  result?: Record<string, unknown>;
  /** fields of the registered result, from the outputs of `steps` */
  afterApply?: (outputs: ExecResult[]) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** variables set on the host (set_fact, setup) */
  facts?: Record<string, unknown>;
  /** variables include_vars read from files: templates, rendered when used, under set_fact's (Ansible's precedence) */
  includedVars?: Record<string, unknown>;
  /** changes to the run's in-memory inventory (group_by, add_host), applied by the engine */
  inventory?: InventoryChange;
  msg?: string;
  /** the registered result's msg in check mode only, where the steps do not run (a guarded command's "would have run") */
  checkMsg?: string;
  warnings?: string[];
}

/** Groups are made first (under their parents), then hosts join them. */
export interface InventoryChange {
  groups: Array<{ name: string; parents: string[] }>;
  hosts: Array<{ name: string; groups: string[]; vars: Record<string, unknown> }>;
}

// --------------------------------------------------------------- the host

/** A module's only window on the host and the controller. */
export interface HostContext {
  /** inventory_hostname */
  readonly host: string;
  /** the host's variables (resolved lazily on access) */
  readonly vars: Readonly<Record<string, unknown>>;
  /** become settings of the task, or undefined */
  readonly become: Become | undefined;
  /** unique per run: name backups with it */
  readonly runId: string;
  /** where the task was written */
  readonly pos: SourcePos | undefined;
  /** the role the task belongs to, for files/ and templates/ lookups */
  readonly roleDir: string | undefined;
  readonly playbookDir: string;

  /**
   * Reads a fact of the host (cached for the task; in check mode as the
   * steps planned so far would have left the host).
   */
  gather<A, T>(fact: Fact<A, T>, args: A, options?: GatherOptions): Promise<T>;
  /** Several facts in one round trip. */
  gatherAll<R extends readonly FactRequest<any, any>[]>(
    requests: R,
    options?: GatherOptions,
  ): Promise<{ [K in keyof R]: R[K] extends FactRequest<any, infer T> ? T : never }>;
  /**
   * Runs a command on the host (with the task's become): only for what no
   * fact can read, the user's own commands (command, shell, uri's curl).
   */
  probe(command: string, options?: { stdin?: string; env?: Record<string, string>; cwd?: string }): Promise<ExecResult>;
  /** delegate_to: the host the task runs on instead of its own (`host`) */
  readonly delegatedTo?: string | undefined;
  /** the task's commands run on the controller itself (a local connection) */
  readonly local?: boolean;
  /**
   * Runs a read-only command on the controller: for a module whose steps
   * run there and whose plan is that command's dry run (synchronize's
   * `rsync --dry-run`). Absent in some tests.
   */
  probeController?(command: string): Promise<ExecResult>;
  /**
   * Drops the connection to the host and opens it again: for a module that
   * waits for a host it rebooted (reboot's afterApply). Absent in some tests.
   */
  reconnect?(): Promise<void>;
  /** Reads a file on the host; null when absent. */
  readFile(path: string): Promise<Buffer | null>;
  /** lstat of a path on the host; null when absent. */
  stat(path: string): Promise<FileStat | null>;
  /**
   * Reads a file on the controller (one findFile found); in check mode, the
   * bytes an earlier task would have written there (a certificate the cert
   * task would issue).
   */
  readControllerFile(path: string): Buffer;
  /** Finds `name` on the controller in the role's `kind/` folder, then beside the playbook; throws when missing. */
  findFile(kind: 'files' | 'templates', name: string): string;
  /** Reads a variables file (YAML or JSON) on the controller, as vars_files does; absent in some tests. */
  readVars?(file: string): Record<string, unknown>;
  /**
   * Renders a Jinja2 template text with the host's variables; `template`
   * names the file as the task gave it and where it goes, for
   * `template_path` and `template_destpath`.
   */
  render(text: string, source?: SourcePos, template?: TemplateNames): string;
  /** Evaluates a bare Jinja2 expression (`result.rc == 0`) with the host's variables. */
  evaluate(expression: string, source?: SourcePos): unknown;
  /** Shows a warning in the run's output. */
  warn(message: string): void;
  /**
   * Tells the user how a long wait goes (a download, a retried health
   * check). The engine passes it on to the reporters, throttled; modules
   * never write to the terminal themselves. Absent in some tests.
   */
  progress?(update: ProgressUpdate): void;
}

export type ProgressUnit = 'bytes' | 'count';

export interface ProgressUpdate {
  text: string;
  done?: number;
  total?: number;
  unit?: ProgressUnit;
  /** the wait is over */
  end?: boolean;
}

export interface Module<A = Record<string, unknown>> {
  name: string;
  /** one line, for `ezplay doc --list` */
  summary: string;
  /** longer description, for `ezplay doc MODULE` and docs/modules.md */
  description?: string;
  args: ArgSchema;
  /** the argument that takes Ansible's free form (`command: ls -l`), if any */
  freeForm?: string;
  /** runs on the controller whatever the task's host (debug, set_fact, assert) */
  controllerOnly?: boolean;
  /**
   * Accepts argument names that are not in `args` (set_fact's variables);
   * they reach `plan` as given, without coercion. Pass it to validateArgs.
   */
  freeArgs?: boolean;
  /**
   * The arguments are rendered as Ansible 2.14 renders them without
   * jinja2_native: text, except what looks like a list, dict or boolean
   * (set_fact and debug, whose values users see and compare).
   */
  textArgs?: boolean;
  plan(ctx: HostContext, args: A): Promise<Plan>;
}

/** Helper so each module file gets its argument type checked. */
export function defineModule<A>(module: Module<A>): Module<A> {
  return module;
}
