/** ansible-playbook's exit codes, which scripts around it already check. */
import { EzplayError } from '../errors.js';

export const EXIT = {
  ok: 0,
  error: 1,
  hostFailed: 2,
  hostUnreachable: 3,
  parseError: 4,
  badOptions: 5,
  unexpected: 250,
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof EzplayError) {
    switch (error.kind) {
      case 'load':
      case 'inventory':
      case 'template':
      case 'vars':
        return EXIT.parseError;
      case 'options':
        return EXIT.badOptions;
      case 'unreachable':
        return EXIT.hostUnreachable;
      default:
        return EXIT.error;
    }
  }
  return EXIT.unexpected;
}
