/**
 * Ansible's words for where an error is: the position, then the line before
 * and the line itself with a caret under the column, as its AnsibleError
 * appends them to a task's message. Scripts match that message, so a
 * failure Ansible words this way is worded the same here.
 */
import { readFileSync } from 'node:fs';
import type { SourcePos } from '../errors.js';

export function ansiblePositionText(pos: SourcePos | undefined): string {
  if (!pos?.file || pos.line === undefined) return '';
  const line = pos.line;
  const col = pos.col ?? 1;
  let text = `The error appears to be in '${pos.file}': line ${line}, column ${col}, but may\nbe elsewhere in the file depending on the exact syntax problem.\n`;
  let lines: string[];
  try {
    lines = readFileSync(pos.file, 'utf8').split('\n');
  } catch {
    return text;
  }
  const target = lines[line - 1];
  if (!target) return text;
  const previous = lines[line - 2] ?? '';
  text += `\nThe offending line appears to be:\n\n${previous.trimEnd()}\n${target.trimEnd()}\n${' '.repeat(col - 1)}^ here\n`;
  return text;
}

/** `message`, then where, as Ansible's task failures read. */
export function withAnsiblePosition(message: string, pos: SourcePos | undefined): string {
  const where = ansiblePositionText(pos);
  return where ? `${message}\n\n${where}` : message;
}
