/**
 * What a module case says, as data: the module and its arguments, the host
 * it plans against (captured output, fact values, files, or a model), and
 * what the plan must be. `module-table.ts` runs them.
 */
import type { ExecutionContext } from 'ava';
import type { FakeConnection } from '../../src/connection/fake.js';
import type { Become, ExecResult } from '../../src/connection/types.js';
import type { Diff, HostContext, Module, Plan, ProgressUpdate, Step, TemplateNames } from '../../src/modules/types.js';

/** What one command printed; a bare string is its stdout with rc 0. */
export type Printed = string | Partial<Pick<ExecResult, 'stdout' | 'stderr' | 'rc'>>;
/** What a command printed, or what it printed each time it ran, the last repeating (a host that changes while a module waits). */
export type Answer = Printed | readonly Printed[];

/**
 * Captured host output: a piece of the command (or a regular expression)
 * and what the command printed. The first match wins; a command nothing
 * matches succeeds and prints nothing.
 */
export type HostAnswers = Record<string, Answer> | ReadonlyArray<readonly [string | RegExp, Answer]>;

/** A fact's value by the fact's name, or a function of the fact's arguments. */
export type FactValues = Record<string, unknown>;

export interface CtxOptions {
  vars?: Record<string, unknown>;
  playbookDir?: string;
  roleDir?: string;
  /** the template module's renderer: the file's text, and the names and Jinja settings the task gave */
  render?: (text: string, template?: TemplateNames) => string;
  evaluate?: (expression: string) => unknown;
  progress?: (update: ProgressUpdate) => void;
  /** the task's become (a password makes some modules upload instead of stream) */
  become?: Become;
  /** delegate_to of the task (the host's own name: the task runs on the host alone) */
  delegatedTo?: string;
  warnings?: string[];
}

export interface Expectation {
  changed?: boolean;
  /** planning fails with exactly this message, or one matching this expression */
  error?: string | RegExp;
  /** and the error is of this class */
  errorClass?: new (...args: any[]) => Error;
  /** and the result the error carries (a ModuleError's), compared with t.like */
  errorResult?: Record<string, unknown>;
  /** a look at the error itself (where it points) */
  errorCheck?: (t: ExecutionContext, error: Error) => void;
  /** a look at the host once planning failed (how often it was asked) */
  afterError?: (t: ExecutionContext, host: FakeConnection) => void;
  /** `subject: before -> after` strings, or Diff objects compared on the keys they give */
  diff?: ReadonlyArray<string | Partial<Diff>>;
  /** the steps as `describeSteps` shows them (exec commands, `put DEST MODE OWNER:GROUP`) */
  steps?: string[];
  /** the steps' descriptions: what file modules assert, so the backup commands can change */
  descriptions?: string[];
  /** the undo as `describeSteps` shows it; null: the plan cannot be undone */
  undo?: string[] | null;
  /** the undo's descriptions */
  undoDescriptions?: string[];
  cleanup?: string[];
  opaque?: boolean;
  msg?: string;
  /** compared with t.like */
  result?: Record<string, unknown>;
  /** the registered result once the plan was applied (afterApply), compared with t.like */
  registered?: Record<string, unknown>;
  /** the commands planning ran on the host (round trips) */
  reads?: number;
  /** pieces every read command must contain, in order (one per read) */
  readCommands?: Array<string | RegExp>;
  warnings?: string[];
  /** how many warnings planning gave, where their wording is not the point */
  warningCount?: number;
  /** the commands planning ran on the host when it planned again after the apply */
  readsAgain?: number;
  /** a look at a modelled host once the steps ran */
  applied?: (t: ExecutionContext, host: ModelledHost) => void;
  /** a look at the host and the controller once the undo ran */
  afterUndo?: (t: ExecutionContext, host: FakeConnection) => void;
  /** a last look at what data cannot say (a step's stdin, an effect), given the plan and the host */
  also?: (t: ExecutionContext, plan: Plan, host: FakeConnection) => void;
}

/**
 * A host modelled in memory for modules whose effect a recording fake
 * cannot follow (ca, cert): it gives a context over what it holds, runs
 * steps by changing what it holds, and shows what it holds for comparison.
 */
export interface ModelledHost {
  context(): HostContext;
  apply(steps: readonly Step[] | undefined): void | Promise<void>;
  snapshot(): unknown;
}

export interface ModuleCase {
  name: string;
  module: Module<any>;
  /**
   * The host as a model instead of captured output: the runner applies the
   * steps to it, plans again (no `after` needed) and, after the undo,
   * compares it with what it held at first.
   */
  model?: () => ModelledHost | Promise<ModelledHost>;
  /** inventory_hostname (node1) */
  host?: string;
  /** the task's arguments; a function when they are known only once the tests began (a server's port) */
  args: Record<string, unknown> | (() => Record<string, unknown>);
  vars?: Record<string, unknown>;
  context?: Omit<CtxOptions, 'vars' | 'warnings'>;
  /** captured output of the host's commands */
  facts?: HostAnswers;
  /** facts answered by name instead of by their command's output */
  factValues?: FactValues;
  /** files the host holds (read with ctx.readFile, or fetched) */
  files?: Record<string, string | Buffer>;
  expect: Expectation;
  /**
   * The host once the steps ran: answers tried before those of `facts`
   * (and fact values replacing those of `factValues`). A changed case needs
   * this or a reason in `idempotence`.
   */
  after?: HostAnswers;
  afterValues?: FactValues;
  /** what the steps print when applied (else nothing, rc 0) */
  stepOutputs?: HostAnswers;
  /** why re-planning after the apply need not be a no-op */
  idempotence?: string;
  /** why the plan cannot be applied on the simulated host at all (a step streams a file only the controller makes while applying) */
  notApplied?: string;
  /** controller steps (fetch) run on this machine instead of a recording fake; the case's playbookDir is then a folder it owns */
  controller?: 'local';
  /** why the undo is not replayed (it is whenever the plan has one) */
  undoReplay?: string;
}
