/**
 * nunjucks' parser with Jinja's subscripts: `items[1:]`, `name[:-1]`,
 * `list[::-1]`. Everything else is nunjucks' grammar, which already matches
 * Jinja's for the expressions Ansible content uses.
 */
import { internals, type AnyNode } from './nunjucks-internals.js';

const { nodes, lexer } = internals;

export const SliceNode = nodes.Node.extend('Slice', { fields: ['start', 'stop', 'step'] });

/** `*args` (mapping false) or `**kwargs` (mapping true) in a call's arguments. */
export const StarArgNode = nodes.Node.extend('StarArg', { fields: ['target', 'mapping'] });

const KEYWORDS = new Set(['and', 'or', 'not', 'if', 'else', 'is', 'in']);

function startsArgument(tok: AnyNode): boolean {
  if (tok.type === 'symbol') return !KEYWORDS.has(tok.value);
  return ['string', 'int', 'float', 'boolean', 'none', lexer.TOKEN_LEFT_BRACKET, 'left-curly'].includes(tok.type);
}

class JinjaParser extends (internals.parser.Parser as new (tokens: unknown) => AnyNode) {
  /** `[index]` or `[start:stop:step]` after an expression. */
  parseSubscript(): AnyNode {
    const open = this.nextToken();
    const parts: (AnyNode | null)[] = [null, null, null];
    let index = 0;
    let isSlice = false;
    while (!this.skip(lexer.TOKEN_RIGHT_BRACKET)) {
      if (this.skip(lexer.TOKEN_COLON)) {
        isSlice = true;
        index++;
        if (index > 2) this.fail('too many slice components', open.lineno, open.colno);
        continue;
      }
      if (parts[index] !== null) this.fail('expected "]" or ":" in subscript', open.lineno, open.colno);
      parts[index] = this.parseExpression();
    }
    if (isSlice) return new SliceNode(open.lineno, open.colno, parts[0], parts[1], parts[2]);
    if (parts[0] === null) this.fail('empty subscript', open.lineno, open.colno);
    return parts[0];
  }

  /** `(...)`, `[...]` and `{...}`, allowing Python's trailing comma: `(x,)` is a one-item tuple. */
  parseAggregate(): AnyNode {
    const tok = this.nextToken();
    const kinds: Record<string, { make: new (l: number, c: number) => AnyNode; close: string }> = {
      'left-paren': { make: nodes.Group, close: 'right-paren' },
      [lexer.TOKEN_LEFT_BRACKET]: { make: nodes.Array, close: lexer.TOKEN_RIGHT_BRACKET },
      'left-curly': { make: nodes.Dict, close: 'right-curly' },
    };
    const kind = tok && kinds[tok.type];
    if (!kind) return null;
    const node = new kind.make(tok.lineno, tok.colno);
    for (;;) {
      if (this.skip(kind.close)) break;
      if (node.children.length > 0) {
        if (!this.skip('comma')) this.fail('expected comma after expression', tok.lineno, tok.colno);
        if (this.skip(kind.close)) {
          node.tuple = true;
          break;
        }
      }
      if (node instanceof nodes.Dict) {
        const key = this.parsePrimary();
        if (!this.skip(lexer.TOKEN_COLON)) this.fail('expected colon after dict key', tok.lineno, tok.colno);
        const value = this.parseExpression();
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, value));
      } else {
        node.addChild(this.parseExpression());
      }
    }
    return node;
  }

  /**
   * `x is name`, `x is name(args)` and Jinja's one-argument form without
   * parentheses: `x is divisibleby 3`, `host is in groups.etcd`.
   */
  parseIs(): AnyNode {
    let node = this.parseCompare();
    const isTok = this.peekToken();
    if (!this.skipSymbol('is')) return node;
    const not = this.skipSymbol('not');
    const nameTok = this.nextToken();
    if (!nameTok || !['symbol', 'none', 'boolean'].includes(nameTok.type)) {
      this.fail('expected a test name after "is"', isTok.lineno, isTok.colno);
    }
    // a collection-qualified test: `x is ansible.builtin.version('1', '>')`
    let qualified = String(nameTok.value);
    while (nameTok.type === 'symbol' && this.peekToken()?.type === 'operator' && this.peekToken().value === '.') {
      this.nextToken();
      const part = this.nextToken();
      if (!part || part.type !== 'symbol') this.fail('expected a test name after "."', isTok.lineno, isTok.colno);
      qualified += `.${part.value}`;
    }
    const name = new nodes.Symbol(nameTok.lineno, nameTok.colno, qualified);
    const next = this.peekToken();
    let test: AnyNode = name;
    if (next && next.type === 'left-paren') {
      test = new nodes.FunCall(next.lineno, next.colno, name, this.parseSignature());
    } else if (next && startsArgument(next)) {
      const args = new nodes.NodeList(next.lineno, next.colno, [this.parsePrimary()]);
      test = new nodes.FunCall(next.lineno, next.colno, name, args);
    }
    node = new nodes.Is(node.lineno, node.colno, node, test);
    return not ? new nodes.Not(node.lineno, node.colno, node) : node;
  }

  /**
   * `{% raw %}...{% endraw %}` as Jinja reads it with trim_blocks: the text
   * keeps the line break after `{% raw %}`, and the one after `{% endraw %}`
   * goes, as after any block tag.
   */
  parseRaw(tagName = 'raw'): AnyNode {
    const endTag = `end${tagName}`;
    const begun = this.advanceAfterBlockEnd();
    const tokens = this.tokens;
    const blockStart = String(tokens.tags.BLOCK_START);
    const blockEnd = String(tokens.tags.BLOCK_END);
    if (tokens.trimBlocks && tokens.str[tokens.index - 1] === '\n' && tokens.str.slice(tokens.index - 1 - blockEnd.length, tokens.index - 1) === blockEnd) {
      // step back over the line break (nunjucks' own back() cannot cross one)
      tokens.index--;
      tokens.lineno--;
      tokens.colno = tokens.index - String(tokens.str).lastIndexOf('\n', tokens.index - 1) - 1;
    }
    // Jinja's raw blocks do not nest: the first end tag closes the block
    const tags = new RegExp(`${escapeRegExp(blockStart)}(-?)\\s*(${endTag})\\s*(-?)${escapeRegExp(blockEnd)}`, 'g');
    tags.lastIndex = tokens.index;
    const tag = tags.exec(tokens.str);
    if (!tag) this.fail(`expected {% ${endTag} %}`, begun.lineno, begun.colno);
    let text = String(tokens.str).slice(tokens.index, tag!.index);
    if (tag![1] === '-') text = text.trimEnd();
    const stop = tag!.index + tag![0].length;
    while (tokens.index < stop) tokens.forward();
    if (tag![3] === '-') while (!tokens.isFinished() && /\s/.test(tokens.current())) tokens.forward();
    else if (tokens.trimBlocks && tokens.current() === '\n') tokens.forward();
    return new nodes.Output(begun.lineno, begun.colno, [new nodes.TemplateData(begun.lineno, begun.colno, text)]);
  }

  /**
   * A call's arguments as Jinja reads them: positional, `name=value`, and
   * Python's `*list` and `**mapping`, in any order. Keyword arguments end
   * the list as one KeywordArgs node; stars stay where they were written.
   */
  parseSignature(tolerant?: boolean, noParens?: boolean): AnyNode {
    let tok = this.peekToken();
    if (!noParens && tok.type !== 'left-paren') {
      if (tolerant) return null;
      this.fail('expected arguments', tok.lineno, tok.colno);
    }
    if (tok.type === 'left-paren') tok = this.nextToken();
    const args = new nodes.NodeList(tok.lineno, tok.colno);
    const kwargs = new nodes.KeywordArgs(tok.lineno, tok.colno);
    let first = true;
    for (;;) {
      tok = this.peekToken();
      if (!tok) this.fail('unexpected end of template in the arguments of a call');
      if (!noParens && tok.type === 'right-paren') {
        this.nextToken();
        break;
      }
      if (noParens && tok.type === 'block-end') break;
      if (!first && !this.skip('comma')) this.fail('parseSignature: expected comma after expression', tok.lineno, tok.colno);
      first = false;
      // a trailing comma: `f(a, b,)`
      if (!noParens && this.skip('right-paren')) break;
      const star = this.peekToken();
      if (star.type === 'operator' && (star.value === '*' || star.value === '**')) {
        this.nextToken();
        args.addChild(new StarArgNode(star.lineno, star.colno, this.parseExpression(), star.value === '**'));
        continue;
      }
      const arg = this.parseExpression();
      if (this.skipValue('operator', '=')) kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
      else args.addChild(arg);
    }
    if (kwargs.children.length) args.addChild(kwargs);
    return args;
  }

  parsePostfix(node: AnyNode): AnyNode {
    let tok = this.peekToken();
    while (tok) {
      if (tok.type === 'left-paren') {
        node = templatedTerms(new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature()));
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, this.parseSubscript());
      } else if (tok.type === 'operator' && tok.value === '.') {
        this.nextToken();
        const name = this.nextToken();
        if (name && (name.type === 'int' || name.type === 'float')) {
          node = this.indexLookups(node, name);
          tok = this.peekToken();
          continue;
        }
        if (!name || name.type !== 'symbol') {
          this.fail(`expected name as lookup value, got ${name ? name.value : 'end of template'}`, tok.lineno, tok.colno);
        }
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(name.lineno, name.colno, name.value));
      } else {
        break;
      }
      tok = this.peekToken();
    }
    return node;
  }

  /**
   * `item.0` and `item.0.1` are item[0] and item[0][1] in Jinja. The lexer
   * here reads `0.1` (and `0.` before `.name`) as one float: split it back.
   */
  private indexLookups(node: AnyNode, number: { value: string; lineno: number; colno: number }): AnyNode {
    const [first = '', second = ''] = number.value.split('.');
    const at = (value: string) => new nodes.Literal(number.lineno, number.colno, Number(value));
    node = new nodes.LookupVal(number.lineno, number.colno, node, at(first));
    if (second !== '') return new nodes.LookupVal(number.lineno, number.colno, node, at(second));
    if (number.value.endsWith('.')) {
      const name = this.nextToken();
      if (!name || (name.type !== 'symbol' && name.type !== 'int')) {
        this.fail(`expected name as lookup value, got ${name ? name.value : 'end of template'}`, number.lineno, number.colno);
      }
      const key = name.type === 'int' ? Number(name.value) : name.value;
      node = new nodes.LookupVal(name.lineno, name.colno, node, new nodes.Literal(name.lineno, name.colno, key));
    }
    return node;
  }
}

/** The global that renders a lookup's term written as a template (see templatedTerms). */
export const LOOKUP_TERM_GLOBAL = '__ezplay_lookup_term';
const LOOKUP_NAMES = new Set(['lookup', 'query', 'q']);
const TERM_MARK = /\{\{|\{%/;

/**
 * Ansible renders a lookup's terms before the lookup runs, so
 * `lookup('file', '{{ dir }}/a')` reads the file in `dir`. Only terms
 * written in the template itself (string literals, also inside a list
 * literal) are rendered here: a variable's value, which may come from a
 * host, is never rendered again.
 */
function templatedTerms(call: AnyNode): AnyNode {
  if (!(call.name instanceof nodes.Symbol) || !LOOKUP_NAMES.has(call.name.value)) return call;
  const wrap = (node: AnyNode): AnyNode =>
    node instanceof nodes.Literal && typeof node.value === 'string' && TERM_MARK.test(node.value)
      ? new nodes.FunCall(node.lineno, node.colno, new nodes.Symbol(node.lineno, node.colno, LOOKUP_TERM_GLOBAL), new nodes.NodeList(node.lineno, node.colno, [node]))
      : node;
  const children = call.args.children as AnyNode[];
  children.forEach((arg, i) => {
    if (i === 0 || arg instanceof nodes.KeywordArgs) return;
    if (arg instanceof nodes.Array) arg.children = (arg.children as AnyNode[]).map(wrap);
    else children[i] = wrap(arg);
  });
  return call;
}

/** Jinja's delimiters, as the template module's `*_start_string`/`*_end_string` set them. */
export interface Delimiters {
  blockStart?: string;
  blockEnd?: string;
  variableStart?: string;
  variableEnd?: string;
  commentStart?: string;
  commentEnd?: string;
}

export const DEFAULT_DELIMITERS: Required<Delimiters> = {
  blockStart: '{%',
  blockEnd: '%}',
  variableStart: '{{',
  variableEnd: '}}',
  commentStart: '{#',
  commentEnd: '#}',
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface LexerOptions {
  trimBlocks: boolean;
  lstripBlocks: boolean;
  /** other delimiters than `{% %}`, `{{ }}` and `{# #}` */
  tags?: Delimiters;
  /**
   * Backslashes in string literals are kept as written. Ansible doubles every
   * backslash inside the string literals of a text containing `{{` before
   * Jinja reads it (`regex_findall('\\d+')` means the regex `\d+`); a
   * template file, and a `when:` without `{{`, get Python's escapes instead.
   */
  verbatimStrings?: boolean;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Python's unicode-escape decoding of a string literal's body: unknown escapes keep their backslash. */
export function pythonUnescape(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (whole, esc: string) => {
    if (esc.length === 1 && esc in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[esc]!;
    if (/^[xuU]/.test(esc) && esc.length > 1) return String.fromCodePoint(parseInt(esc.slice(1), 16));
    if (/^[0-7]+$/.test(esc)) return String.fromCodePoint(parseInt(esc, 8));
    return whole;
  });
}

/** Jinja's string token: a backslash escapes the next character for the end of the string only. */
function stringReader(tokens: AnyNode, verbatim: boolean): void {
  tokens._parseString = function parseString(this: AnyNode, delimiter: string): string {
    this.forward();
    let body = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      if (this.current() === '\\') {
        body += this.current();
        this.forward();
        if (this.isFinished()) break;
      }
      body += this.current();
      this.forward();
    }
    this.forward();
    return verbatim ? body : pythonUnescape(body);
  };
}

/**
 * nunjucks ends an expression at the first `}}`, so `{{ {'a': {'b': 1}} }}`
 * fails to parse; Jinja counts braces. Inside an open `{`, a `}}` is read
 * here as the `}` that closes it.
 */
function balancedBraces(tokens: AnyNode): AnyNode {
  const next = tokens.nextToken.bind(tokens);
  let depth = 0;
  tokens.nextToken = () => {
    if (tokens.in_code && depth > 0 && tokens.str.startsWith('}}', tokens.index)) {
      const tok = { type: 'right-curly', value: '}', lineno: tokens.lineno, colno: tokens.colno };
      tokens.forward();
      depth--;
      return tok;
    }
    const tok = next();
    if (tok?.type === 'left-curly') depth++;
    else if (tok?.type === 'right-curly') depth = Math.max(0, depth - 1);
    else if (tok?.type === 'variable-end' || tok?.type === 'block-end') depth = 0;
    return tok;
  };
  return tokens;
}

/** trim_blocks also takes the line break after a comment, as Jinja's does. */
function trimAfterComments(tokens: AnyNode): AnyNode {
  const next = tokens.nextToken.bind(tokens);
  tokens.nextToken = () => {
    const tok = next();
    if (tok?.type === 'comment' && tokens.trimBlocks && tokens.current() === '\n') tokens.forward();
    return tok;
  };
  return tokens;
}

export function parseTemplate(text: string, options: LexerOptions): AnyNode {
  const tokens = trimAfterComments(lexer.lex(text, options));
  stringReader(tokens, options.verbatimStrings ?? false);
  const parser = new JinjaParser(balancedBraces(tokens));
  parser.extensions = [];
  return parser.parseAsRoot();
}
