/**
 * The module reference, generated from each module's argument schema: the
 * same text on the terminal (`ezplay doc`) and in docs/modules.md.
 */
import type { ArgSpec, Module } from '../modules/types.js';

function typeLabel(spec: ArgSpec): string {
  if (spec.type === 'list' && spec.elements) return `list of ${spec.elements}`;
  if (spec.type === 'symbolic_mode') return 'mode';
  return spec.type;
}

function defaultLabel(spec: ArgSpec): string {
  if (spec.default === undefined) return '';
  if (spec.type === 'mode' && typeof spec.default === 'number') return `0${spec.default.toString(8)}`;
  return JSON.stringify(spec.default);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

export function moduleMarkdown(module: Module<any>): string {
  const lines = [`## ${module.name}`, '', module.summary, ''];
  if (module.description) lines.push(module.description.trim(), '');
  const args = Object.entries(module.args);
  if (module.freeForm) lines.push(`Takes a free form: \`${module.name}: <${module.freeForm}>\`.`, '');
  if (module.freeArgs) lines.push('Takes any argument names: each becomes a variable.', '');
  if (args.length) {
    lines.push('| argument | type | required | default | description |', '| --- | --- | --- | --- | --- |');
    for (const [name, spec] of args) {
      const names = [name, ...(spec.aliases ?? [])].map((n) => `\`${n}\``).join(', ');
      const choices = spec.choices ? ` One of: ${spec.choices.map((c) => `\`${String(c)}\``).join(', ')}.` : '';
      const secret = spec.noLog ? ' Secret: never logged.' : '';
      lines.push(`| ${names} | ${typeLabel(spec)} | ${spec.required ? 'yes' : ''} | ${cell(defaultLabel(spec))} | ${cell(spec.description + choices + secret)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function referenceMarkdown(modules: readonly Module<any>[]): string {
  const head = [
    '# Module reference',
    '',
    'Generated from the modules\' argument schemas (`npm run docs`); the same text as `ezplay doc MODULE`.',
    'Names under `ansible.builtin.`, `ansible.posix.`, `community.general.` and `kubernetes.core.` resolve to the same modules. A `library/NAME.py` beside the playbook, in a role or in ANSIBLE_LIBRARY is a module too (see docs/ansible-compatibility.md).',
    '',
    ...modules.map((m) => `- [${m.name}](#${m.name.replace(/_/g, '_')}): ${m.summary}`),
    '',
  ];
  return [...head, ...modules.map(moduleMarkdown)].join('\n');
}

/** The terminal form: the markdown, less its table syntax. */
export function moduleText(module: Module<any>): string {
  const lines = [`${module.name}: ${module.summary}`, ''];
  if (module.description) lines.push(module.description.trim(), '');
  const args = Object.entries(module.args);
  if (module.freeForm) lines.push(`free form: ${module.name}: <${module.freeForm}>`, '');
  for (const [name, spec] of args) {
    const flags = [typeLabel(spec), spec.required ? 'required' : '', spec.default !== undefined ? `default ${defaultLabel(spec)}` : '']
      .filter(Boolean)
      .join(', ');
    const aliases = spec.aliases?.length ? ` (aliases: ${spec.aliases.join(', ')})` : '';
    lines.push(`  ${name}${aliases}  [${flags}]`);
    const choices = spec.choices ? ` One of: ${spec.choices.map(String).join(', ')}.` : '';
    lines.push(`      ${spec.description}${choices}`);
  }
  return lines.join('\n');
}
