/**
 * A module's Diff as the user sees it: a unified diff for content, a
 * `before -> after` line for everything else. Private keys and what is
 * marked secret (what came out of a vault) never show.
 */
import { createRequire } from 'node:module';
import pc from 'picocolors';
import type { Diff } from '../modules/types.js';
import { isPrivateKeyPem, redactPrivateKeys } from '../pki/redact.js';

const REDACTED = '<private key: redacted>';

type DiffLibrary = typeof import('diff');
let diffLibrary: DiffLibrary | undefined;

/** The diff library, loaded (synchronously, from its CommonJS build) with the first content diff shown. */
function library(): DiffLibrary {
  return (diffLibrary ??= createRequire(import.meta.url)('diff') as DiffLibrary);
}

function safe(text: string, secret: boolean | undefined): string {
  if (isPrivateKeyPem(text)) return `${REDACTED}\n`;
  // a secret of another kind: what a vault held, a no_log value
  if (secret) return text === '' ? '' : '<secret: redacted>\n';
  return redactPrivateKeys(text);
}

export function formatDiff(diff: Diff, color: boolean): string {
  const before = safe(diff.before, diff.secret);
  const after = safe(diff.after, diff.secret);
  if (diff.kind === 'summary') {
    const line = `${diff.subject}: ${before.trim() || '(none)'} -> ${after.trim() || '(none)'}`;
    return color ? pc.cyan(line) : line;
  }
  const patch = library().createTwoFilesPatch(`before: ${diff.subject}`, `after: ${diff.subject}`, before, after, undefined, undefined, {
    context: 3,
  });
  const lines = patch.split('\n').filter((l, i) => !(i === 0 && l.startsWith('====')));
  if (!color) return lines.join('\n').trimEnd();
  return lines
    .map((l) => {
      if (l.startsWith('+++') || l.startsWith('---')) return pc.bold(l);
      if (l.startsWith('+')) return pc.green(l);
      if (l.startsWith('-')) return pc.red(l);
      if (l.startsWith('@@')) return pc.cyan(l);
      return l;
    })
    .join('\n')
    .trimEnd();
}
