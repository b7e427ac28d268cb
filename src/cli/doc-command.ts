/** `ezplay doc MODULE`, `ezplay doc --list`, and `--markdown` for docs/modules.md. */
import type { Command } from 'commander';
import { OptionsError } from '../errors.js';
import { allModules, findModule, suggestModule } from '../modules/registry.js';
import { moduleText, referenceMarkdown } from '../report/module-doc.js';

export function registerDocCommand(program: Command): void {
  program
    .command('doc')
    .description('the module reference, from the modules\' own argument schemas')
    .argument('[module]', 'the module to describe')
    .option('--list', 'list every module with its summary')
    .option('--markdown', 'print the whole reference as markdown (docs/modules.md)')
    .action((name: string | undefined, flags: { list?: boolean; markdown?: boolean }) => {
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
    });
}
