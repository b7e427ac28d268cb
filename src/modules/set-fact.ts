/**
 * `set_fact`: sets host variables from the task's arguments. The engine
 * renders the values before the plan; the plan only hands them over.
 */
import { parseBoolean } from '../common/booleans.js';
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
    cacheable: { type: 'bool', default: false, description: "Also keep the facts in the fact cache (Ansible's jsonfile cache, set by ANSIBLE_CACHE_PLUGIN=jsonfile and ANSIBLE_CACHE_PLUGIN_CONNECTION), where later runs find them." },
  },
  async plan(_ctx, args) {
    const facts: Record<string, unknown> = {};
    const jinja2Native = parseBoolean(process.env.ANSIBLE_JINJA2_NATIVE ?? '') === true;
    for (const [name, value] of Object.entries(args)) {
      if (name === 'cacheable') continue;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ModuleError(`set_fact: '${name}' is not a valid variable name`);
      // Ansible's set_fact turns the strings true/false/yes/no into booleans, templated or not, unless Jinja2 native types are on
      facts[name] = typeof value === 'string' && !jinja2Native && /^(true|false|yes|no)$/i.test(value) ? /^(true|yes)$/i.test(value) : value;
    }
    if (!Object.keys(facts).length) throw new ModuleError('set_fact: no variables given');
    return { changed: false, facts, result: { ansible_facts: facts, ...(args.cacheable ? { _ansible_facts_cacheable: true } : {}) } };
  },
});
