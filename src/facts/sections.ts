/**
 * Several read-only probes in one shell command: each probe's output is
 * framed by markers carrying its exit status, so one round trip answers a
 * whole plan and every parser still sees only its own probe's output.
 */
import { quote } from '../shell/quote.js';

export interface ProbeSection {
  /** a word without spaces, unique within one batch */
  name: string;
  /** a command line built with src/shell/quote.ts */
  command: string;
}

export interface SectionOutput {
  out: string;
  rc: number;
}

const BEGIN = '@@ezplay:begin:';
const END = '@@ezplay:end:';

/** One command line running every section in order, whatever each one's exit status. */
export function batchProbe(sections: readonly ProbeSection[]): string {
  return sections
    .map((s) => `echo ${quote(BEGIN + s.name)}; { ${s.command}\n}; printf '\\n${END}%s\\n' "$?"`)
    .join('; ');
}

/** Splits the output of `batchProbe` by section; a section that never ended is missing. */
export function parseSections(stdout: string): Map<string, SectionOutput> {
  const sections = new Map<string, SectionOutput>();
  let name: string | undefined;
  let lines: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(BEGIN)) {
      name = line.slice(BEGIN.length);
      lines = [];
    } else if (line.startsWith(END) && name !== undefined) {
      // printf put a newline before the end marker: drop it again
      if (lines.length && lines[lines.length - 1] === '') lines.pop();
      sections.set(name, { out: lines.join('\n'), rc: Number(line.slice(END.length)) });
      name = undefined;
    } else if (name !== undefined) {
      lines.push(line);
    }
  }
  return sections;
}

/** The output of one section, or empty output with rc 127 when it did not run. */
export function section(sections: Map<string, SectionOutput>, name: string): SectionOutput {
  return sections.get(name) ?? { out: '', rc: 127 };
}
