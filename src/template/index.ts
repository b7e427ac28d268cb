/** Templates as Ansible has them: Jinja2 semantics on nunjucks, strict about undefined variables. */
export { Templar, type VarLookup } from './templar.js';
export { OMIT } from './globals.js';
export { isUndefinedError } from './undefined.js';
