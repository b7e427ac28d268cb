/**
 * One flat family of errors. Every error a user can cause names where it came
 * from (file and line of the playbook, role, template or inventory node), so
 * the CLI can print it without a stack trace.
 */

/** A place in a file on the controller. Lines and columns start at 1. */
export interface SourcePos {
  file: string;
  line?: number;
  col?: number;
}

export function formatPos(pos: SourcePos | undefined): string {
  if (!pos) return '';
  let out = pos.file;
  if (pos.line !== undefined) out += `:${pos.line}`;
  if (pos.col !== undefined) out += `:${pos.col}`;
  return out;
}

export type ErrorKind =
  | 'load'
  | 'inventory'
  | 'vars'
  | 'template'
  | 'module'
  | 'connection'
  | 'unreachable'
  | 'engine'
  | 'pki'
  | 'lab'
  | 'options';

export class EzplayError extends Error {
  readonly kind: ErrorKind;
  readonly pos: SourcePos | undefined;
  /** a snippet of the source around `pos`, with a caret, when known */
  excerpt: string | undefined;
  host: string | undefined;
  task: string | undefined;

  constructor(kind: ErrorKind, message: string, pos?: SourcePos, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.kind = kind;
    this.pos = pos;
  }

  /** The message as a user sees it: where, then what. */
  describe(): string {
    const where = formatPos(this.pos);
    const lines = [where ? `${where}: ${this.message}` : this.message];
    if (this.excerpt) lines.push(this.excerpt);
    return lines.join('\n');
  }
}

/** Malformed YAML, unknown keywords, missing files: exit code 4. */
export class LoadError extends EzplayError {
  constructor(message: string, pos?: SourcePos, options?: { cause?: unknown }) {
    super('load', message, pos, options);
  }
}

/** Arguments a module requires and the task left out; `missing` is Ansible's wording, without the module's name, for a task's result. */
export class MissingArgumentsError extends LoadError {
  readonly missing: string;
  /** `said`: the module's own words for it (copy's "dest is required"), in place of Ansible's generic ones */
  constructor(moduleName: string, names: readonly string[], pos?: SourcePos, said?: string) {
    const missing = said ?? `missing required arguments: ${names.join(', ')}`;
    super(`${moduleName}: ${missing}`, pos);
    this.missing = missing;
  }
}

export class InventoryError extends EzplayError {
  constructor(message: string, pos?: SourcePos, options?: { cause?: unknown }) {
    super('inventory', message, pos, options);
  }
}

export class VarsError extends EzplayError {
  constructor(message: string, pos?: SourcePos, options?: { cause?: unknown }) {
    super('vars', message, pos, options);
  }
}

export class TemplateError extends EzplayError {
  /** the template text that failed, when known */
  template: string | undefined;
  constructor(message: string, pos?: SourcePos, options?: { cause?: unknown }) {
    super('template', message, pos, options);
  }
}

/** A module refused its arguments or failed on a host. */
export class ModuleError extends EzplayError {
  /** fields for the task's registered result (rc, stdout, ...) */
  readonly result: Record<string, unknown>;
  constructor(message: string, result: Record<string, unknown> = {}, pos?: SourcePos) {
    super('module', message, pos);
    this.result = result;
  }
}

/** The host could not be reached at all, or the connection dropped. */
export class ConnectionError extends EzplayError {
  readonly unreachable: boolean;
  constructor(message: string, options: { unreachable?: boolean; cause?: unknown } = {}) {
    super(options.unreachable ? 'unreachable' : 'connection', message, undefined, { cause: options.cause });
    this.unreachable = options.unreachable ?? false;
  }
}

/** A command ran past its timeout and was killed; the connection itself is fine. */
export class CommandTimeout extends ConnectionError {}

export class EngineError extends EzplayError {
  constructor(message: string, pos?: SourcePos, options?: { cause?: unknown }) {
    super('engine', message, pos, options);
  }
}

/**
 * A loop's lookup refused its terms (`with_sequence: start=A`). The task
 * fails with the lookup's own message, without the position, as Ansible's
 * does; at load the position is given.
 */
export class LoopError extends EngineError {}

/** The run journal could not be written or read: the run stops before its next change. */
export class JournalError extends EngineError {}

export class PkiError extends EzplayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('pki', message, undefined, options);
  }
}

export class LabError extends EzplayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('lab', message, undefined, options);
  }
}

/** Bad command-line options: exit code 5. */
export class OptionsError extends EzplayError {
  constructor(message: string) {
    super('options', message);
  }
}
