/** Loop keywords into item lists, as Ansible's `loop` and `with_*` lookups produce them. */
import { EngineError, type SourcePos } from '../errors.js';
import { LOOKUP_LOOP_KINDS, type TaskNode } from '../load/model.js';

/** Runs a lookup plugin with the current variables: `with_fileglob: '*.conf'` is `query('fileglob', '*.conf')`. */
/** The folder first_found looks in for a task's module, as Ansible's task executor picks it. */
export function lookupSubdir(module: string): string {
  if (module.includes('template')) return 'templates';
  if (module.includes('var')) return 'vars';
  return 'files';
}

export type LoopLookup = (name: string, terms: unknown[]) => unknown[];

export function loopItems(kind: TaskNode['loopKind'], value: unknown, pos: SourcePos | undefined, lookup?: LoopLookup): unknown[] {
  if (value === undefined || value === null) return [];
  if (kind && (LOOKUP_LOOP_KINDS as readonly string[]).includes(kind)) {
    if (!lookup) throw new EngineError(`with_${kind} needs the lookup plugins`, pos);
    return lookup(kind, Array.isArray(value) ? value : [value]);
  }
  switch (kind) {
    case 'items': {
      // with_items flattens one level
      const list = Array.isArray(value) ? value : [value];
      return list.flatMap((v) => (Array.isArray(v) ? v : [v]));
    }
    case 'dict': {
      if (typeof value !== 'object' || Array.isArray(value)) throw new EngineError('with_dict expects a mapping', pos);
      return Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: v }));
    }
    case 'indexed_items': {
      const list = Array.isArray(value) ? value : [value];
      return list.map((v, i) => [i, v]);
    }
    case 'sequence':
      return sequence(value, pos);
    default:
      if (typeof value === 'string') {
        throw new EngineError(`loop expects a list, got the string '${value.slice(0, 60)}'`, pos);
      }
      if (!Array.isArray(value)) throw new EngineError('loop expects a list', pos);
      return value;
  }
}

/** with_sequence: `start=1 end=5 format=node%02d` or `count=3`. */
function sequence(value: unknown, pos: SourcePos | undefined): string[] {
  const args: Record<string, string> = {};
  for (const word of String(value).split(/\s+/).filter(Boolean)) {
    const [k, v = ''] = word.split('=');
    if (k) args[k] = v;
  }
  const start = Number(args.start ?? 1);
  const end = args.count !== undefined ? start + Number(args.count) - 1 : Number(args.end ?? start);
  const stride = Number(args.stride ?? 1);
  if (!Number.isFinite(start) || !Number.isFinite(end) || stride === 0) throw new EngineError('bad with_sequence', pos);
  const out: string[] = [];
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    out.push(args.format ? args.format.replace(/%0?(\d*)d/, (_m, w: string) => String(i).padStart(Number(w || 0), '0')) : String(i));
  }
  return out;
}
