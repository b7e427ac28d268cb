/**
 * Builds the shell statements a persistent shell runs for one command, with
 * and without sudo. Every value passes through `quote`; the command itself
 * is handed to `eval` as one quoted word, so a syntax error in a command
 * fails that command and never derails the long-lived shell that reads it.
 */
import { randomBytes } from 'node:crypto';
import { quote, sh } from '../shell/quote.js';
import { ConnectionError } from '../errors.js';

export interface CommandShape {
  command: string;
  env?: Record<string, string>;
  cwd?: string;
}

/** Where a command's standard input comes from. */
export type StdinSource =
  | { kind: 'none' }
  | { kind: 'bytes'; data: Buffer }
  /** a file on the host, opened by the login user before any sudo */
  | { kind: 'remote-file'; path: string };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `cd` and `export` first, then the command through eval, all in one script. */
export function commandScript({ command, env, cwd }: CommandShape): string {
  const parts: string[] = [];
  if (cwd !== undefined) parts.push(sh`cd -- ${cwd} || exit 1`);
  for (const [name, value] of Object.entries(env ?? {})) {
    if (!ENV_NAME.test(name)) throw new ConnectionError(`bad environment variable name ${JSON.stringify(name)}`);
    parts.push(`export ${name}=${quote(value)}`);
  }
  parts.push(`eval ${quote(command)}`);
  // One line: a heredoc body for stdin starts after the line that names it.
  return parts.join('; ');
}

/** A heredoc delimiter that base64 text can never contain. */
function heredocTag(): string {
  return `EZPLAY_IN_${randomBytes(6).toString('hex')}`;
}

/** base64 lines for a heredoc; 76 columns keeps the shell's line reader happy. */
function base64Lines(data: Buffer): string {
  const text = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return lines.join('\n');
}

/**
 * Wraps `target` (a statement that reads stdin) so it gets its bytes from
 * `source` and never from the persistent shell's own input.
 */
export function withStdin(target: string, source: StdinSource, prefixLine?: string): string {
  if (prefixLine !== undefined) {
    // The first line (sudo's password) and then the command's own bytes.
    const rest = source.kind === 'bytes' ? heredoc(source.data, '')
      : source.kind === 'remote-file' ? sh`cat -- ${source.path}` : ':';
    return `{ printf '%s\\n' ${quote(prefixLine)}; ${rest}\n} | ${target}`;
  }
  if (source.kind === 'none') return `${target} </dev/null`;
  if (source.kind === 'remote-file') return `${target} < ${quote(source.path)}`;
  return heredoc(source.data, ` | ${target}`);
}

/** `base64 -d` fed by a heredoc; `rest` continues the line that opens it. */
function heredoc(data: Buffer, rest: string): string {
  const tag = heredocTag();
  return `base64 -d <<'${tag}'${rest}\n${base64Lines(data)}\n${tag}\n`;
}

/** The command in a subshell, so `exit` or `cd` cannot touch the persistent shell. */
export function plainStatement(shape: CommandShape, source: StdinSource): string {
  return withStdin(plainCommand(shape), source);
}

export interface SudoWords {
  /** printed on stderr by the target shell once sudo let it run */
  startToken: string;
  /** sudo's password prompt, unique so it can be cut out of stderr */
  prompt: string;
}

export function sudoWords(): SudoWords {
  const id = randomBytes(8).toString('hex');
  return { startToken: `ezplay-sudo-ok-${id}`, prompt: `[ezplay-sudo-${id}] ` };
}

/**
 * The sudo command line for `sudoStatement`, without its input: what -vvv
 * shows, as no secret is in it (the password goes on stdin). -S -n without
 * a password: sudo never waits for one, it fails when one is needed.
 */
export function sudoCommand(shape: CommandShape, user: string, words: SudoWords, withPassword: boolean): string {
  const inner = `printf '%s\\n' ${quote(words.startToken)} >&2; ${commandScript(shape)}`;
  // -k ignores the cache so sudo reads exactly one line, the password, even
  // when a credential is cached: the rest of stdin stays the command's.
  if (withPassword) return sh`sudo -H -k -S -p ${words.prompt} -u ${user} -- sh -c ${inner}`;
  return sh`sudo -H -S -n -u ${user} -- sh -c ${inner}`;
}

/**
 * sudo run straight from the persistent shell (never from a subshell), so its
 * parent is that shell: sudo keys its credential cache on the parent process
 * when there is no terminal, and later `sudo -n` calls from the same shell
 * then pass without the password.
 */
export function sudoStatement(
  shape: CommandShape,
  source: StdinSource,
  user: string,
  words: SudoWords,
  password?: string,
): string {
  if (password === undefined) return withStdin(sudoCommand(shape, user, words, false), source);
  return withStdin(sudoCommand(shape, user, words, true), source, password);
}

/** The command line of `plainStatement`, without its input, as -vvv shows it. */
export function plainCommand(shape: CommandShape): string {
  return `( ${commandScript(shape)} )`;
}

/**
 * What an exec channel that streams a file to a command runs: a fixed line
 * (the same in any login shell) that reads one line of base64 from stdin,
 * the statement, and evaluates it. The statement stays out of the process
 * list, and whatever follows that line on stdin is the command's input.
 */
export const STREAM_RUNNER = `exec /bin/sh -c 'IFS= read -r s || exit 97; eval "$(printf %s "$s" | base64 -d)"'`;

/** The first line a STREAM_RUNNER channel reads. */
export function streamPreamble(statement: string): string {
  return `${Buffer.from(statement, 'utf8').toString('base64')}\n`;
}

/**
 * The statement for STREAM_RUNNER: the command as it is, or through
 * `sudo -n` (the stream is the command's stdin, so sudo cannot read a
 * password from it), printing the start token once sudo let it run.
 */
export function streamStatement(shape: CommandShape, sudo?: { user: string; words: SudoWords }): string {
  if (!sudo) return commandScript(shape);
  return sudoCommand(shape, sudo.user, sudo.words, false);
}

/** The command line of `sudoValidateStatement`, without the password it reads. */
export function sudoValidateCommand(user: string, words: SudoWords): string {
  return sh`sudo -H -S -p ${words.prompt} -u ${user} -- true`;
}

/** Validates a password once and caches sudo's credential for this shell. */
export function sudoValidateStatement(user: string, words: SudoWords, password: string): string {
  return `printf '%s\\n' ${quote(password)} | ${sudoValidateCommand(user, words)}`;
}

/** Cuts sudo's prompt and our start token out of stderr; reports whether the command ran. */
export function unwrapSudoStderr(stderr: string, words: SudoWords): { started: boolean; stderr: string } {
  let text = stderr.split(words.prompt).join('');
  const tokenLine = `${words.startToken}\n`;
  const at = text.indexOf(tokenLine);
  if (at < 0) return { started: false, stderr: text };
  text = text.slice(0, at) + text.slice(at + tokenLine.length);
  return { started: true, stderr: text };
}

/** Replaces every occurrence of a secret; used on every output and message. */
export function scrub(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('********');
}
