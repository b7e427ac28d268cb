/** `ezplay doc MODULE`, `ezplay doc --list`, and `--markdown` for docs/modules.md. */
import { OptionsError } from '../errors.js';
import { allModules, findModule, suggestModule } from '../modules/registry.js';
import { moduleText, referenceMarkdown } from '../report/module-doc.js';

export interface DocFlags {
  list?: boolean;
  markdown?: boolean;
}

export function docCommand(name: string | undefined, flags: DocFlags): void {
  const write = (s: string): void => {
    process.stdout.write(`${s}\n`);
  };
  if (flags.markdown) return write(referenceMarkdown(allModules()));
  if (flags.list || !name) {
    const modules = allModules();
    const width = Math.max(...modules.map((m) => m.name.length));
    for (const m of modules) write(`${m.name.padEnd(width)}  ${m.summary}`);
    return;
  }
  const module = findModule(name);
  if (!module) {
    const hint = suggestModule(name);
    throw new OptionsError(`no module named '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }
  write(moduleText(module));
}
