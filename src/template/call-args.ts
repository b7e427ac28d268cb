/**
 * nunjucks passes keyword arguments (`map(attribute='x')`) as one trailing
 * object marked `__keywords`; these helpers read Python-style signatures.
 */
export interface CallArgs {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

function isKeywords(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, '__keywords');
}

export function splitArgs(raw: readonly unknown[]): CallArgs {
  const last = raw[raw.length - 1];
  if (raw.length && isKeywords(last)) {
    const { __keywords: _, ...kwargs } = last;
    return { args: raw.slice(0, -1), kwargs };
  }
  return { args: [...raw], kwargs: {} };
}

/** The argument at `index`, or the keyword `name`, or the fallback. */
export function param<T = unknown>(call: CallArgs, index: number, name: string, fallback: T): T {
  if (index < call.args.length && call.args[index] !== undefined) return call.args[index] as T;
  if (Object.hasOwn(call.kwargs, name)) return call.kwargs[name] as T;
  return fallback;
}
