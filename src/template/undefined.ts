/**
 * Strict undefined, as Ansible's AnsibleUndefined: a missing variable or
 * attribute evaluates to a marker instead of failing at once, so that
 * `default`, `is defined` and friends can inspect it; any other use of the
 * marker (output, arithmetic, iteration, calls, truth tests) fails with the
 * message of the first lookup that went wrong. Attribute access on the marker
 * returns the marker itself, so `a.b.c | default(1)` works when `a` is missing.
 */
export class Undefined {
  /** `name`: the variable or attribute that was missing, when one was (Jinja's _undefined_name) */
  constructor(readonly hint: string, readonly name?: string) {}

  fail(): never {
    throw new TemplateRuntimeError(this.hint, true);
  }
}

/**
 * An error raised while a template runs. The Templar turns it into a
 * TemplateError with the file and line; `lineno` (1-based, inside the
 * template text) is filled in by the runtime's error handler.
 */
export class TemplateRuntimeError extends Error {
  lineno: number | undefined;
  /** the error is a use of an undefined value (Ansible's AnsibleUndefinedVariable) */
  readonly fromUndefined: boolean;
  constructor(message: string, fromUndefined = false) {
    super(message);
    this.name = 'TemplateRuntimeError';
    this.fromUndefined = fromUndefined;
  }
}

/**
 * A filter refusing its input, as Ansible's AnsibleFilterError: Ansible makes
 * its message the failed task's whole `msg`, so a play can compare it.
 */
export class FilterError extends TemplateRuntimeError {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

/** The filter error an error was caused by, if any. */
export function filterErrorOf(error: unknown): FilterError | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof FilterError) return e;
  }
  return undefined;
}

/**
 * An exception a Python method raises in Ansible's templates
 * (`[1].index(5)` is a ValueError): Ansible words a task's failure by its
 * class, so the class travels with the message.
 */
export class PythonException extends TemplateRuntimeError {
  constructor(
    readonly pythonType: 'ValueError' | 'TypeError' | 'IndexError' | 'KeyError',
    message: string,
  ) {
    super(message);
  }
}

/** The Python exception an error, or one it was caused by, stands for. */
export function pythonExceptionOf(error: unknown): PythonException | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PythonException) return e;
  }
  return undefined;
}

/** Whether an error, or one it was caused by, is the use of an undefined value. */
export function isUndefinedError(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TemplateRuntimeError && e.fromUndefined) return true;
  }
  return false;
}

export const isUndefined = (value: unknown): value is Undefined => value instanceof Undefined;

/** Fails when any of the values is undefined; used at the door of filters and operators. */
export function requireDefined(...values: unknown[]): void {
  for (const value of values) if (value instanceof Undefined) value.fail();
}

export function undefinedVariable(name: string): Undefined {
  return new Undefined(`'${name}' is undefined`, name);
}
