/**
 * `set_fact`: sets host variables from the task's arguments. The engine
 * renders the values before the plan; the plan only hands them over.
 */
import { ModuleError } from '../errors.js';
import { defineModule } from './types.js';

export const setFactModule = defineModule<Record<string, unknown>>({
  name: 'set_fact',
  summary: 'Set variables on the host for the rest of the run',
  description:
    'Every argument (except `cacheable`) becomes a variable of the host, with the precedence of Ansible\'s set_fact. ' +
    'Registers them under `ansible_facts`. Never changes the host.',
  controllerOnly: true,
  freeArgs: true,
  textArgs: true,
  args: {
    cacheable: { type: 'bool', default: false, description: 'Accepted for compatibility; ezplay has no fact cache, so it changes nothing.' },
  },
  async plan(_ctx, args) {
    const facts: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(args)) {
      if (name === 'cacheable') continue;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ModuleError(`set_fact: '${name}' is not a valid variable name`);
      // Ansible's set_fact turns the strings true/false/yes/no into booleans, templated or not
      facts[name] = typeof value === 'string' && /^(true|false|yes|no)$/i.test(value) ? /^(true|yes)$/i.test(value) : value;
    }
    if (!Object.keys(facts).length) throw new ModuleError('set_fact: no variables given');
    return { changed: false, facts, result: { ansible_facts: facts } };
  },
});
