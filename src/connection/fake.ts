/**
 * A recording connection for unit tests of pure logic: it answers commands
 * from a script of canned results and keeps files in memory. Nothing here
 * touches the machine.
 */
import { access } from 'node:fs/promises';
import type { Connection, ExecOptions, ExecResult, PutOptions } from './types.js';

export interface FakeAnswer {
  /** a substring of the command, a regular expression, or a predicate */
  match: string | RegExp | ((command: string) => boolean);
  /** the result, or a function giving one per call (a host that changes between reads) */
  result: Partial<ExecResult> | (() => Partial<ExecResult>);
}

export interface RecordedCall {
  kind: 'exec' | 'put' | 'get';
  command?: string;
  path?: string;
  content?: Buffer;
  options?: ExecOptions | PutOptions;
}

function matches(answer: FakeAnswer, command: string): boolean {
  const { match } = answer;
  if (typeof match === 'string') return command.includes(match);
  if (match instanceof RegExp) return match.test(command);
  return match(command);
}

export class FakeConnection implements Connection {
  readonly transport = 'fake';
  readonly calls: RecordedCall[] = [];
  readonly files = new Map<string, Buffer>();
  /** answers checked in order; the first match wins; unmatched commands succeed with no output */
  answers: FakeAnswer[] = [];
  connected = false;
  /** when set, connect() fails as if the host were unreachable */
  unreachable = false;

  constructor(readonly host: string = 'fake-host') {}

  answer(match: FakeAnswer['match'], result: FakeAnswer['result']): this {
    this.answers.push({ match, result });
    return this;
  }

  async connect(): Promise<void> {
    if (this.unreachable) {
      const { ConnectionError } = await import('../errors.js');
      throw new ConnectionError(`${this.host}: connection refused`, { unreachable: true });
    }
    this.connected = true;
  }

  /** Records the call; a `stdinFile` must exist on the controller (it is not read), as for the real transports. */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ kind: 'exec', command, options });
    const file = options.stdinFile;
    if (file !== undefined) {
      await access(file).catch((error: Error) => {
        throw new Error(`cannot stream ${file} to ${this.host}: ${error.message}`);
      });
    }
    const found = this.answers.find((a) => matches(a, command));
    const result = typeof found?.result === 'function' ? found.result() : found?.result;
    return { rc: 0, stdout: '', stderr: '', durationMs: 0, ...result };
  }

  async put(dest: string, content: Buffer | string, options: PutOptions = {}): Promise<void> {
    const bytes = Buffer.from(content);
    this.calls.push({ kind: 'put', path: dest, content: bytes, options });
    this.files.set(dest, bytes);
  }

  async get(path: string): Promise<Buffer | null> {
    this.calls.push({ kind: 'get', path });
    return this.files.get(path) ?? null;
  }

  /** the commands run so far, in order */
  commands(): string[] {
    return this.calls.filter((c) => c.kind === 'exec').map((c) => c.command ?? '');
  }

  async close(): Promise<void> {
    this.connected = false;
  }
}
