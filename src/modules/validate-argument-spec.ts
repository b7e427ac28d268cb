/**
 * `validate_argument_spec`: checks arguments against a spec, as Ansible
 * checks a role's parameters against its `meta/argument_specs.yml` with a
 * task it puts first in the role. The arguments are the task's
 * `provided_arguments` over the variables named in the spec. Runs on the
 * controller and never changes the host.
 */
import { parseBoolean } from '../common/booleans.js';
import { ModuleError } from '../errors.js';
import { defineModule, type HostContext } from './types.js';

export interface ValidateArgumentSpecArgs {
  argument_spec: Record<string, unknown>;
  provided_arguments: Record<string, unknown>;
  validate_args_context?: Record<string, unknown>;
}

type Spec = { type?: unknown; required?: unknown; choices?: unknown; elements?: unknown; default?: unknown; aliases?: unknown };

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `value` is of the spec's type as Ansible's checkers accept it (strings convert where Ansible converts them). */
function ofType(type: string, value: unknown): boolean {
  switch (type) {
    case 'str':
    case 'path':
    case 'raw':
      return type === 'raw' || !isDict(value) && !Array.isArray(value);
    case 'int':
      return Number.isInteger(typeof value === 'string' ? Number(value.trim()) : value);
    case 'float':
      return !Number.isNaN(Number(value)) && typeof value !== 'boolean';
    case 'bool':
      return parseBoolean(value) !== undefined;
    case 'list':
      return Array.isArray(value) || typeof value === 'string' || typeof value === 'number';
    case 'dict':
      return isDict(value);
    default:
      return true;
  }
}

/** The error messages of arguments checked against a spec: missing required ones, wrong types, values outside choices. */
export function argumentErrors(spec: Record<string, unknown>, given: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const missing = Object.entries(spec).filter(([name, s]) => isDict(s) && parseBoolean((s as Spec).required) === true && given[name] === undefined).map(([name]) => name);
  if (missing.length) errors.push(`missing required arguments: ${missing.sort().join(', ')}`);
  for (const [name, raw] of Object.entries(spec)) {
    const s = (isDict(raw) ? raw : {}) as Spec;
    const value = given[name];
    if (value === undefined || value === null) continue;
    const type = typeof s.type === 'string' ? s.type : 'str';
    if (!ofType(type, value)) errors.push(`argument '${name}' is of type ${Array.isArray(value) ? 'list' : typeof value} and we were unable to convert to ${type}`);
    else if (type === 'list' && Array.isArray(value) && typeof s.elements === 'string') {
      if (value.some((v) => !ofType(s.elements as string, v))) errors.push(`Elements value for option '${name}' is of the wrong type: expected ${s.elements}`);
    }
    if (Array.isArray(s.choices) && !Array.isArray(value) && !s.choices.map(String).includes(String(value))) {
      errors.push(`value of ${name} must be one of: ${s.choices.join(', ')}, got: ${String(value)}`);
    }
  }
  return errors;
}

/** The spec's arguments the host's variables define, as Ansible takes them from the task's variables. */
function fromVars(ctx: HostContext, spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(spec)) {
    const value = ctx.vars[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export const validateArgumentSpecModule = defineModule<ValidateArgumentSpecArgs>({
  name: 'validate_argument_spec',
  summary: 'Check arguments against a specification (a role\'s meta/argument_specs.yml)',
  description:
    "Checks `provided_arguments`, over the host's variables of the same names, against `argument_spec`: required " +
    'arguments, types and choices of each top-level option (the options of nested dicts are not checked). A role ' +
    "with an argument spec for its entry point gets this task first, named as Ansible names it and tagged `always`.",
  controllerOnly: true,
  args: {
    argument_spec: { type: 'dict', required: true, description: 'The options: name -> {type, required, choices, elements, ...}.' },
    provided_arguments: { type: 'dict', default: {}, description: 'The arguments to check (a role\'s parameters).' },
    validate_args_context: { type: 'dict', description: 'Where the spec comes from (the role and its entry point); returned as given.' },
  },
  async plan(ctx, args) {
    const errors = argumentErrors(args.argument_spec, { ...fromVars(ctx, args.argument_spec), ...args.provided_arguments });
    const context = args.validate_args_context ?? {};
    if (errors.length) {
      throw new ModuleError(`Validation of arguments failed:\n${errors.join('\n')}`, { argument_errors: errors, validate_args_context: context });
    }
    return { changed: false, msg: 'The arg spec validation passed', result: { validate_args_context: context } };
  },
});
