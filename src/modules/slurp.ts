/**
 * `slurp`: reads a file on the host into the registered result, base64
 * encoded (`{{ r.content | b64decode }}`). Never changes anything.
 */
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { defineModule } from './types.js';

export interface SlurpArgs {
  src: string;
}

/** One probe: rc 3 when missing, 4 for a directory, else the bytes in base64. */
export function slurpCommand(src: string): string {
  return sh`if [ -d ${src} ]; then echo ${`${src} is a directory`} >&2; exit 4; elif [ ! -e ${src} ]; then echo ${`${src} not found`} >&2; exit 3; else base64 < ${src}; fi`;
}

export const slurpModule = defineModule<SlurpArgs>({
  name: 'slurp',
  summary: 'Read a file from the host into the registered result (base64)',
  description:
    'Registers `content` (the file, base64-encoded), `encoding: base64` and `source`. ' +
    'Decode it with `b64decode`. Meant for small files: the whole file travels in the result.',
  args: {
    src: { type: 'path', required: true, aliases: ['path'], description: 'The file on the host to read.' },
  },
  async plan(ctx, args) {
    // Runs in a subshell so `exit` ends only this probe, never a shared shell.
    const res = await ctx.probe(`( ${slurpCommand(args.src)} )`);
    if (res.rc === 3) throw new ModuleError(`file not found: ${args.src}`, { rc: res.rc });
    if (res.rc === 4) throw new ModuleError(`source is a directory and must be a file: ${args.src}`, { rc: res.rc });
    if (res.rc !== 0) throw new ModuleError(`reading ${args.src}: ${res.stderr.trim()}`, { rc: res.rc });
    const content = res.stdout.replace(/\s+/g, '');
    return { changed: false, result: { content, encoding: 'base64', source: args.src } };
  },
});
