/**
 * The controller itself as a host (`ansible_connection=local`,
 * `delegate_to: localhost`). Commands run under /bin/sh like on a remote
 * host, so modules cannot tell the difference.
 */
import { spawn } from 'node:child_process';
import { createReadStream, promises as fs, type ReadStream } from 'node:fs';
import os from 'node:os';
import { CommandTimeout } from '../errors.js';
import { sh, quote } from '../shell/quote.js';
import { tempBeside } from './temp-names.js';
import { needsSudo, type Become, type Connection, type ExecOptions, type ExecResult, type HeldCommand, type PutOptions } from './types.js';
import { holdProcess } from './held-command.js';

const currentUser = os.userInfo().username;

/**
 * The locale commands run in: C's messages and formats, which the facts parse, with UTF-8 text where the
 * C library has it (Linux's C.UTF-8): a program that insists on UTF-8 (ansible-playbook) runs as from a login shell.
 */
const COMMAND_LOCALE = process.platform === 'linux' ? 'C.UTF-8' : 'C';

/** Wraps a command in sudo when it must run as another user. */
export function wrapBecome(command: string, become: Become | undefined, loginUser: string): string {
  if (!become || !needsSudo(become, loginUser)) return command;
  const target = become.user ?? 'root';
  // -S: a password comes from stdin (its first line), never from a terminal; -n: none is asked for when none was given
  const flags = become.password ? '-S -p ""' : '-S -n';
  return `sudo -H ${flags} -u ${quote(target)} -- /bin/sh -c ${quote(command)}`;
}

export class LocalConnection implements Connection {
  readonly transport = 'local';
  constructor(readonly host: string) {}

  async connect(): Promise<void> {}

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const file = options.stdinFile;
    if (file !== undefined) {
      if (options.stdin !== undefined) throw new Error('exec: give stdin or stdinFile, not both');
      if (options.become?.password !== undefined && needsSudo(options.become, currentUser)) {
        throw new Error(`cannot stream ${file} to a command on ${this.host} through sudo with a password: sudo would read it from the same input`);
      }
      // Opened first: a missing file fails here, before the command runs.
      const handle = await fs.open(file, 'r').catch((error: Error) => {
        throw new Error(`cannot stream ${file} to ${this.host}: ${error.message}`);
      });
      return this.spawnShell(command, options, { file, stream: createReadStream(file, { fd: handle }) });
    }
    return this.spawnShell(command, options, undefined);
  }

  private spawnShell(command: string, options: ExecOptions, source: { file: string; stream: ReadStream } | undefined): Promise<ExecResult> {
    let line = command;
    if (options.cwd) line = `cd ${quote(options.cwd)} && ${line}`;
    line = wrapBecome(line, options.become, currentUser);
    options.trace?.(`EXEC /bin/sh -c ${quote(line)}`);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', line], {
        env: { ...process.env, LC_ALL: COMMAND_LOCALE, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        // its own process group, so a timeout kills what the command started too
        ...(options.timeoutMs ? { detached: true } : {}),
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      if (options.timeoutMs) {
        timer = setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-(child.pid as number), 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }, options.timeoutMs);
      }
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      let readError: Error | undefined;
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        source?.stream.destroy();
        if (timedOut) {
          reject(new CommandTimeout(`command timed out after ${options.timeoutMs} ms on ${this.host}: ${command.slice(0, 200)}`));
          return;
        }
        if (readError) {
          reject(new Error(`reading ${source?.file} failed while streaming it to ${this.host}: ${readError.message}`));
          return;
        }
        resolve({
          rc: code ?? 128,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          ...(signal ? { signal } : {}),
          durationMs: performance.now() - started,
        });
      });
      // A command that does not read stdin closes it early; that is not an error.
      child.stdin.on('error', () => {});
      if (source) {
        source.stream.on('error', (error: Error) => {
          readError = error;
          source.stream.unpipe(child.stdin);
          child.stdin.destroy();
        });
        source.stream.pipe(child.stdin);
        return;
      }
      const input = Buffer.from(options.stdin ?? '');
      // the password is sudo's first line of input, only when sudo runs at all
      const password = needsSudo(options.become, currentUser) ? options.become?.password : undefined;
      child.stdin.end(password ? Buffer.concat([Buffer.from(`${password}\n`), input]) : input);
    });
  }

  async put(dest: string, content: Buffer | string, options: PutOptions = {}): Promise<void> {
    const becomeOther = options.become && (options.become.user ?? 'root') !== currentUser;
    if (becomeOther) return this.putThroughShell(dest, content, options);
    const tmp = tempBeside(dest, options.tempTag);
    try {
      await fs.writeFile(tmp, content, { mode: options.mode ?? 0o644 });
      if (options.mode !== undefined) await fs.chmod(tmp, options.mode);
      if (options.owner || options.group) {
        const owner = options.owner ?? '';
        const spec = options.group ? `${owner}:${options.group}` : owner;
        const res = await this.exec(sh`chown ${spec} ${tmp}`);
        if (res.rc !== 0) throw new Error(`chown ${spec} ${dest}: ${res.stderr.trim()}`);
      } else {
        // the replaced file's owner and group, where this user may give them (Ansible's atomic move ignores EPERM too)
        const current = await fs.stat(dest).catch(() => undefined);
        if (current) {
          await fs.chown(tmp, current.uid, current.gid).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'EPERM') throw error;
          });
        }
      }
      await fs.rename(tmp, dest);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
  }

  private async putThroughShell(dest: string, content: Buffer | string, options: PutOptions): Promise<void> {
    const tmp = tempBeside(dest, options.tempTag);
    const steps = [sh`cat > ${tmp}`];
    if (options.mode !== undefined) steps.push(sh`chmod ${options.mode.toString(8)} ${tmp}`);
    if (options.owner || options.group) {
      steps.push(sh`chown ${`${options.owner ?? ''}${options.group ? `:${options.group}` : ''}`} ${tmp}`);
    } else {
      // the replaced file's owner and group, where this user may give them
      steps.push(sh`{ [ ! -e ${dest} ] || chown --reference=${dest} -- ${tmp} 2>/dev/null || :; }`);
    }
    steps.push(sh`mv -f ${tmp} ${dest}`);
    const res = await this.exec(`${steps.join(' && ')} || { rm -f ${quote(tmp)}; exit 1; }`, {
      stdin: content,
      ...(options.become ? { become: options.become } : {}),
    });
    if (res.rc !== 0) throw new Error(`writing ${dest}: ${res.stderr.trim()}`);
  }

  async get(file: string, options: { become?: Become } = {}): Promise<Buffer | null> {
    if (options.become && (options.become.user ?? 'root') !== currentUser) {
      const res = await this.exec(sh`test -e ${file} || exit 3; base64 < ${file}`, options);
      if (res.rc === 3) return null;
      if (res.rc !== 0) throw new Error(`reading ${file}: ${res.stderr.trim()}`);
      return Buffer.from(res.stdout, 'base64');
    }
    try {
      return await fs.readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** A child of this process: when the controller dies its input pipe closes, and the command stops. */
  hold(command: string): Promise<HeldCommand> {
    const child = spawn('/bin/sh', ['-c', command], { env: { ...process.env, LC_ALL: COMMAND_LOCALE }, stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdin.on('error', () => {});
    return holdProcess({
      onStdout: (listener) => child.stdout.on('data', listener),
      onExit: (listener) => {
        child.on('error', listener);
        child.on('close', listener);
      },
      end: (text) => child.stdin.end(text),
      unref: () => {
        child.unref();
        for (const stream of [child.stdin, child.stdout] as unknown as Array<{ unref?: () => void }>) stream.unref?.();
      },
    });
  }

  async close(): Promise<void> {}
}
