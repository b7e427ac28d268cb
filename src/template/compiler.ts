/**
 * nunjucks' code generator, changed where Jinja and JavaScript disagree:
 * truth tests (an empty list is false), `and`/`or` returning an operand,
 * comparisons and arithmetic with Python types, tuples, dict literals with
 * expression keys, `for ... if`, tests with several arguments (which
 * nunjucks 3.2 compiles incorrectly), and strict undefined lookups that
 * remember the line they happen on and the path they looked up.
 */
import { internals, type AnyNode } from './nunjucks-internals.js';
import { SliceNode, StarArgNode } from './parser.js';
import { unsupportedAnsibleName } from '../common/ansible-names.js';

const { nodes } = internals;

/** Wraps an expression in a runtime call: `runtime.<fn>(expr, ...extra)`. */
const RuntimeCallNode = nodes.Node.extend('RuntimeCall', { fields: ['fn', 'target', 'extra'] });

const SPECIAL_NAMES: Record<string, string> = { True: 'true', False: 'false', None: 'null', true: 'true', false: 'false', none: 'null' };

/** A readable name for an expression, used in "has no attribute" messages. */
function describe(node: AnyNode): string | undefined {
  if (node instanceof nodes.Symbol) return String(node.value);
  if (node instanceof nodes.LookupVal) {
    const target = describe(node.target);
    if (target === undefined) return undefined;
    if (node.val instanceof nodes.Literal) {
      const key = node.val.value;
      return typeof key === 'string' && /^[A-Za-z_]\w*$/.test(key) ? `${target}.${key}` : `${target}[${JSON.stringify(key)}]`;
    }
    if (node.val instanceof nodes.Symbol) return `${target}[${node.val.value}]`;
  }
  return undefined;
}

export interface CompilerNames {
  filters: Record<string, unknown>;
  tests: Record<string, unknown>;
}

/** A collection-qualified name (ansible.builtin.to_json, ansible.utils.ipaddr) names the built-in filter or test. */
export const COLLECTION_PREFIX = /^(?:ansible\.(?:builtin|legacy|utils|netcommon)|community\.general)\./;

export class JinjaCompiler extends (internals.compiler.Compiler as new (name: string, throwOnUndefined: boolean) => AnyNode) {
  constructor(private readonly names: CompilerNames) {
    super('template', false);
  }

  assertType(node: AnyNode, ...types: unknown[]): void {
    if (node instanceof RuntimeCallNode || node instanceof SliceNode || node instanceof StarArgNode) return;
    super.assertType(node, ...types);
  }

  private position(node: AnyNode): string {
    return `lineno = ${node.lineno}, colno = ${node.colno}`;
  }

  private emitPosition(node: AnyNode): void {
    this._emitLine(`${this.position(node)};`);
  }

  private call(fn: string, args: AnyNode[], frame: AnyNode): void {
    this._emit(`runtime.${fn}(`);
    args.forEach((arg, i) => {
      if (i > 0) this._emit(', ');
      this.compile(arg, frame);
    });
    this._emit(')');
  }

  compileRuntimeCall(node: AnyNode, frame: AnyNode): void {
    this._emit(`runtime.${node.fn}(`);
    this.compile(node.target, frame);
    for (const extra of node.extra ?? []) this._emit(`, ${JSON.stringify(extra)}`);
    this._emit(')');
  }

  private wrapped(node: AnyNode, fn: string, ...extra: unknown[]): AnyNode {
    return new RuntimeCallNode(node.lineno, node.colno, fn, node, extra);
  }

  compileSymbol(node: AnyNode, frame: AnyNode): void {
    const name = node.value as string;
    if (frame.lookup(name)) return super.compileSymbol(node, frame);
    if (Object.hasOwn(SPECIAL_NAMES, name)) return this._emit(SPECIAL_NAMES[name]);
    this._emit(`(${this.position(node)}, runtime.contextOrFrameLookup(context, frame, ${JSON.stringify(name)}))`);
  }

  compileLookupVal(node: AnyNode, frame: AnyNode): void {
    if (node.val instanceof SliceNode) {
      const bound = (part: AnyNode) => part ?? new nodes.Literal(node.lineno, node.colno, null);
      return this.call('sliceLookup', [node.target, bound(node.val.start), bound(node.val.stop), bound(node.val.step)], frame);
    }
    this._emit(`(${this.position(node)}, runtime.memberLookup((`);
    this.compile(node.target, frame);
    this._emit('), ');
    this.compile(node.val, frame);
    const path = describe(node.target);
    this._emit(path === undefined ? '))' : `, ${JSON.stringify(path)}))`);
  }

  compileFunCall(node: AnyNode, frame: AnyNode): void {
    // nunjucks pastes the callee's name into the code unescaped; a string
    // literal with a newline (`'a\nb'.split()`) would break it
    this._emit(`(${this.position(node)}, runtime.callWrap(`);
    this.compile(node.name, frame);
    this._emit(`, ${JSON.stringify(describe(node.name) ?? 'expression')}, context, `);
    this._compileAggregate(node.args, frame, '[', '])');
    this._emit(')');
  }

  /** `*list` or `**mapping` in a call: a marker the runtime spreads into the arguments. */
  compileStarArg(node: AnyNode, frame: AnyNode): void {
    this._emit('runtime.starArg(');
    this.compile(node.target, frame);
    this._emit(`, ${node.mapping ? 'true' : 'false'})`);
  }

  compileGroup(node: AnyNode, frame: AnyNode): void {
    // `(a, b)` is a tuple in Jinja, not JavaScript's comma operator
    if (node.children.length === 1 && !node.tuple) return this._compileAggregate(node, frame, '(', ')');
    this._compileAggregate(node, frame, '[', ']');
  }

  compileDict(node: AnyNode, frame: AnyNode): void {
    this._emit('runtime.makeDict([');
    node.children.forEach((pair: AnyNode, i: number) => {
      if (i > 0) this._emit(', ');
      this.compile(pair.key, frame);
      this._emit(', ');
      this.compile(pair.value, frame);
    });
    this._emit('])');
  }

  compileKeywordArgs(node: AnyNode, frame: AnyNode): void {
    // keyword names are names, not expressions: keep nunjucks' literal keys
    this._emit('runtime.makeKeywordArgs(');
    super.compileDict(node, frame);
    this._emit(')');
  }

  compileInlineIf(node: AnyNode, frame: AnyNode): void {
    this._emit('(runtime.truthy(');
    this.compile(node.cond, frame);
    this._emit(') ? ');
    this.compile(node.body, frame);
    this._emit(' : ');
    if (node.else_) this.compile(node.else_, frame);
    else this._emit(`runtime.inlineIfUndefined(${node.lineno + 1})`);
    this._emit(')');
  }

  private shortCircuit(node: AnyNode, frame: AnyNode, isOr: boolean): void {
    const left = this._tmpid();
    this._emit(`((${left}) => runtime.truthy(${left}) ? `);
    if (isOr) this._emit(left);
    else this.compile(node.right, frame);
    this._emit(' : ');
    if (isOr) this.compile(node.right, frame);
    else this._emit(left);
    this._emit(')(');
    this.compile(node.left, frame);
    this._emit(')');
  }

  compileOr(node: AnyNode, frame: AnyNode): void {
    this.shortCircuit(node, frame, true);
  }

  compileAnd(node: AnyNode, frame: AnyNode): void {
    this.shortCircuit(node, frame, false);
  }

  compileNot(node: AnyNode, frame: AnyNode): void {
    this._emit('!');
    this.call('truthy', [node.target], frame);
  }

  compileIs(node: AnyNode, frame: AnyNode): void {
    const right = node.right;
    const name = String(right.name ? right.name.value : right.value).replace(COLLECTION_PREFIX, '');
    if (!Object.hasOwn(this.names.tests, name)) this.fail(`no test named '${name}'`, right.lineno, right.colno);
    this._emit(`(${this.position(node)}, runtime.runTest(env, context, ${JSON.stringify(name)}, `);
    this.compile(node.left, frame);
    this._emit(', ');
    this._compileAggregate(right.args ?? new nodes.NodeList(node.lineno, node.colno), frame, '[', ']');
    this._emit('))');
  }

  compileFilter(node: AnyNode, frame: AnyNode): void {
    // a collection-qualified name (ansible.builtin.to_json, ansible.utils.ipaddr) is the built-in filter
    const written = String(node.name.value);
    node.name.value = written.replace(COLLECTION_PREFIX, '');
    const name: string = node.name.value;
    if (!Object.hasOwn(this.names.filters, name)) {
      this.fail(unsupportedAnsibleName('filter', written) ?? `no filter named '${name}'`, node.name.lineno, node.name.colno);
    }
    this._emit(`(${this.position(node)}, `);
    if (node.args.children.some((arg: AnyNode) => arg instanceof StarArgNode)) {
      this._emit(`env.getFilter(${JSON.stringify(name)}).apply(context, runtime.spreadArgs(`);
      this._compileAggregate(node.args, frame, '[', ']');
      this._emit('))');
    } else {
      super.compileFilter(node, frame);
    }
    this._emit(')');
  }

  compileCompare(node: AnyNode, frame: AnyNode): void {
    this._emit('runtime.compare(');
    this.compile(node.expr, frame);
    for (const op of node.ops) {
      this._emit(`, ${JSON.stringify(op.type)}, `);
      this.compile(op.expr, frame);
    }
    this._emit(')');
  }

  compileIn(node: AnyNode, frame: AnyNode): void {
    this.call('inOperator', [node.left, node.right], frame);
  }

  compileAdd(node: AnyNode, frame: AnyNode): void { this.call('add', [node.left, node.right], frame); }
  compileSub(node: AnyNode, frame: AnyNode): void { this.call('sub', [node.left, node.right], frame); }
  compileMul(node: AnyNode, frame: AnyNode): void { this.call('mul', [node.left, node.right], frame); }
  compileDiv(node: AnyNode, frame: AnyNode): void { this.call('div', [node.left, node.right], frame); }
  compileFloorDiv(node: AnyNode, frame: AnyNode): void { this.call('floorDiv', [node.left, node.right], frame); }
  compileMod(node: AnyNode, frame: AnyNode): void { this.call('mod', [node.left, node.right], frame); }
  compilePow(node: AnyNode, frame: AnyNode): void { this.call('pow', [node.left, node.right], frame); }
  compileConcat(node: AnyNode, frame: AnyNode): void { this.call('concat', [node.left, node.right], frame); }
  compileNeg(node: AnyNode, frame: AnyNode): void { this.call('neg', [node.target], frame); }
  compilePos(node: AnyNode, frame: AnyNode): void { this.call('pos', [node.target], frame); }

  compileIf(node: AnyNode, frame: AnyNode, async?: boolean): void {
    const cond = node.cond;
    this.emitPosition(node);
    node.cond = this.wrapped(cond, 'truthy');
    try {
      super.compileIf(node, frame, async);
    } finally {
      node.cond = cond;
    }
  }

  compileFor(node: AnyNode, frame: AnyNode): void {
    const { arr, body } = node;
    // `for x in items if cond` parses as an inline if without else; Jinja
    // means a filtered loop. (loop.index still counts the skipped items.)
    if (arr instanceof nodes.InlineIf && arr.else_ === null) {
      node.arr = arr.body;
      node.body = new nodes.If(arr.lineno, arr.colno, arr.cond, body, null);
    }
    const names = node.name instanceof nodes.Array ? node.name.children.length : 1;
    const iterated = node.arr;
    node.arr = this.wrapped(iterated, 'iterable', names);
    this.emitPosition(node);
    try {
      super.compileFor(node, frame);
    } finally {
      node.arr = arr;
      node.body = body;
    }
  }

  compileOutput(node: AnyNode, frame: AnyNode): void {
    if (node.children.some((child: AnyNode) => !(child instanceof nodes.TemplateData))) this.emitPosition(node);
    super.compileOutput(node, frame);
  }

  compileSet(node: AnyNode, frame: AnyNode): void {
    this.emitPosition(node);
    super.compileSet(node, frame);
  }
}
