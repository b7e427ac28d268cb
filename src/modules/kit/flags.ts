/**
 * Ansible's `attributes` (`attr`): a path's lsattr flags. `+i` adds, `-i`
 * removes, `=i` or `i` sets exactly. A change is a `chattr` step; its undo
 * adds back what it removed and removes what it added.
 */
import { sh } from '../../shell/quote.js';
import type { ArgSpec, Diff, Step } from '../types.js';

export const flagsArg: ArgSpec = {
  type: 'str',
  aliases: ['attr'],
  description: 'File flags as lsattr shows them: `+i` adds the immutable flag, `-i` removes it, `=i` or `i` sets exactly these.',
};

export interface FlagChange {
  steps: Step[];
  undo: Step[];
  diff: Diff[];
}

/** The chattr step that makes `current` flags what `wanted` says; no steps when they already are. */
export function flagChange(path: string, current: string, wanted: string): FlagChange {
  const op = wanted.startsWith('+') || wanted.startsWith('-') || wanted.startsWith('=') ? wanted[0] : '=';
  const letters = [...new Set(wanted.replace(/^[+=-]/, ''))];
  if (letters.some((c) => !/[a-zA-Z]/.test(c))) throw new Error(`'${wanted}' is not a set of file flags such as '+i' or '-i'`);
  const have = new Set(current);
  const add = op === '-' ? [] : letters.filter((c) => !have.has(c));
  // '=' clears flags chattr can clear; lsattr's read-only ones (e: extents, and others) stay as they are
  const remove = op === '+' ? [] : op === '-' ? letters.filter((c) => have.has(c)) : [...have].filter((c) => !letters.includes(c) && !READ_ONLY.has(c));
  if (!add.length && !remove.length) return { steps: [], undo: [], diff: [] };
  const spec = (plus: string[], minus: string[]) => [plus.length ? `+${plus.join('')}` : '', minus.length ? `-${minus.join('')}` : ''].filter(Boolean);
  return {
    steps: [{ kind: 'exec', command: sh`chattr ${spec(add, remove)} -- ${path}`, description: `set the flags of ${path}` }],
    undo: [{ kind: 'exec', command: sh`chattr ${spec(remove, add)} -- ${path}`, description: `set the flags of ${path} back` }],
    diff: [{ subject: `${path} flags`, before: current || '(none)', after: [...new Set([...current].filter((c) => !remove.includes(c)).concat(add))].join('') || '(none)', kind: 'summary' }],
  };
}

/** Flags lsattr shows that chattr cannot change. */
const READ_ONLY = new Set(['e', 'E', 'h', 'I', 'N', 'V', 'Z', 'X']);
