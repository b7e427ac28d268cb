/**
 * Whether a folder on the host already holds what another folder holds
 * (`diff -r`, following links or not): copy with remote_src and a folder
 * src changes nothing when it does.
 */
import { sh } from '../shell/quote.js';
import { defineFact, FactError } from './types.js';

export interface TreeCompareArgs {
  src: string;
  dest: string;
  /** compare what links point to (copy's local_follow), else the links themselves */
  follow: boolean;
}

export const treeCompareFact = defineFact<TreeCompareArgs, 'same' | 'different' | 'missing'>({
  name: 'tree_compare',
  command: (args) =>
    `if [ ! -d ${sh`${args.dest}`} ]; then echo missing; elif diff -r ${args.follow ? '' : '--no-dereference '}${sh`-- ${args.src} ${args.dest}`} >/dev/null 2>&1; then echo same; else echo different; fi`,
  parse(out, args) {
    const answer = out.stdout.trim();
    if (out.rc !== 0 || (answer !== 'same' && answer !== 'different' && answer !== 'missing')) {
      throw new FactError(`comparing ${args.src} with ${args.dest}: ${out.stderr.trim() || answer}`, out.rc);
    }
    return answer;
  },
});
