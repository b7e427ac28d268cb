/** What one backend plans for one port rule: the pieces of a Plan. */
import type { Step } from '../types.js';

export interface RuleChange {
  before: string;
  after: string;
  steps: Step[];
  undo: Step[];
  /** iptables: where a removed rule was, so undo can put rules back in ascending order */
  position?: number;
}

export const run = (command: string, description: string): Step => ({ kind: 'exec', command, description });
