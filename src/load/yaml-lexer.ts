/**
 * The `yaml` package's lexer, made to end quoted scalars where PyYAML ends
 * them. PyYAML reads a single- or double-quoted scalar up to its closing
 * quote whatever the continuation lines start with: a tab, or fewer spaces
 * than the mapping around it (kubeasz writes shell commands that way). The
 * package cuts such a scalar at the first under-indented line and reports a
 * missing quote. Only a document marker (`---`, `...`) at the start of a line
 * still ends the scalar with an error, as in PyYAML.
 *
 * Plain and block scalars keep the package's indentation rules, which are
 * PyYAML's too.
 */
import { Lexer } from 'yaml';

/** The members of the package's Lexer this relies on (private in its types). */
interface LexerInternals {
  indentNext: number;
  parseQuotedScalar(this: LexerInternals): Generator<string, string>;
}

export function pyyamlLexer(): Lexer {
  const lexer = new Lexer();
  const inner = lexer as unknown as LexerInternals;
  const quoted = inner.parseQuotedScalar;
  if (typeof quoted !== 'function' || typeof inner.indentNext !== 'number') {
    throw new Error('the yaml package changed its lexer: quoted scalars cannot be read as PyYAML reads them');
  }
  // continueScalar checks indentation only while indentNext > 0
  inner.parseQuotedScalar = function* quotedAsPyyaml(this: LexerInternals) {
    const indent = this.indentNext;
    this.indentNext = 0;
    try {
      return yield* quoted.call(this);
    } finally {
      this.indentNext = indent;
    }
  };
  return lexer;
}
