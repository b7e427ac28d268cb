/**
 * Turns whatever went wrong in a template (a parse error from nunjucks, an
 * undefined variable, a filter refusing its input) into a TemplateError that
 * names the file and the line, counted from where the template text starts.
 */
import { TemplateError, type SourcePos } from '../errors.js';

function lineOf(err: unknown): number | undefined {
  const lineno = (err as { lineno?: unknown } | null)?.lineno;
  return typeof lineno === 'number' && lineno > 0 ? lineno : undefined;
}

function cleanMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // nunjucks prefixes wrapped errors with their class name
  return message.replace(/^(Error|TypeError|RangeError|TemplateRuntimeError): /, '').replace(/^parse\w+: /, '');
}

export function toTemplateError(err: unknown, text: string, where?: SourcePos): TemplateError {
  if (err instanceof TemplateError) return err;
  const lines = text.split('\n');
  // nunjucks' parser gives no line when the template ends too early
  const endOfText = (err as { name?: string } | null)?.name === 'Template render error' ? text.replace(/\n$/, '').split('\n').length : undefined;
  const line = lineOf(err) ?? endOfText;
  let message = cleanMessage(err);
  let pos: SourcePos | undefined;
  if (where) {
    pos = { file: where.file };
    if (where.line !== undefined) pos.line = where.line + (line ?? 1) - 1;
    else if (line !== undefined) pos.line = line;
    if (where.col !== undefined && lines.length === 1) pos.col = where.col;
  } else if (line !== undefined && lines.length > 1) {
    message += ` (line ${line} of the template)`;
  }
  const error = new TemplateError(message, pos, { cause: err });
  error.template = text;
  const source = lines[(line ?? 1) - 1];
  if (source !== undefined && source.trim() !== '') {
    const shown = source.length > 160 ? `${source.slice(0, 157)}...` : source;
    error.excerpt = `  ${shown}`;
  }
  return error;
}
