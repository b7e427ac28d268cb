/**
 * How the engine and modules reach a host. A connection is opened once per
 * host for the whole run; `exec` runs a POSIX shell command line (built with
 * src/shell/quote.ts), `put` writes a file atomically.
 */

export interface Become {
  /** the user to become; root when absent */
  user?: string;
  /** sudo's password, passed on stdin, never logged */
  password?: string;
  /**
   * Run sudo even when the login user is the user to become (Ansible's
   * become_allow_same_user); by default become to oneself is a no-op.
   */
  sameUser?: boolean;
}

/** Whether `become` needs sudo for a login as `loginUser`. */
export function needsSudo(become: Become | undefined, loginUser: string): boolean {
  if (!become) return false;
  return become.sameUser === true || (become.user ?? 'root') !== loginUser;
}

export interface ExecOptions {
  /** bytes for the command's standard input */
  stdin?: string | Buffer;
  /**
   * A file on the controller streamed to the command's standard input as it
   * runs (megabytes, such as an archive for `tar -x -f -`), instead of
   * `stdin`. Over ssh the command gets an exec channel of its own. It cannot
   * go with a become password, which sudo would read from that same input:
   * such a call throws.
   */
  stdinFile?: string;
  /** run through sudo as this user */
  become?: Become;
  /** extra environment for the command */
  env?: Record<string, string>;
  /** working directory */
  cwd?: string;
  /** fail the command with a timeout after this long */
  timeoutMs?: number;
  /**
   * Told, just before each command line the connection runs for this call
   * (`EXEC /bin/sh -c '...'`), what it runs, as -vvv shows it. Secrets are
   * never in it: the become password goes on stdin, never on a command line.
   */
  trace?: (line: string) => void;
}

/** A finished command is data first: the caller decides whether it failed. */
export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
  /** the signal that ended the command, if any */
  signal?: string;
  durationMs: number;
}

export interface PutOptions {
  /** permission bits, e.g. 0o644 */
  mode?: number;
  /**
   * A tag (the run id) in the names of temporary files (`.name.ezplay-<tag>-*`
   * beside dest, `/tmp/.ezplay-upload-<tag>-*` when staged), so what a killed
   * upload leaves can be found and removed later.
   */
  tempTag?: string;
  owner?: string;
  group?: string;
  become?: Become;
}

export interface FileStat {
  exists: true;
  type: 'file' | 'directory' | 'link' | 'other';
  mode: number;
  owner: string;
  group: string;
  size: number;
  /** target, for links */
  target?: string;
}

export interface Connection {
  /** the inventory name of the host this reaches */
  readonly host: string;
  /** 'ssh' | 'local' | 'fake' */
  readonly transport: string;
  /** Opens the connection; unreachable hosts throw ConnectionError({unreachable: true}). */
  connect(): Promise<void>;
  /** Runs a shell command line. Never throws for a non-zero exit; throws ConnectionError when the host is lost. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * Writes `content` to `dest` atomically: to a temporary file in the same
   * folder, mode and owner set, then renamed into place.
   */
  put(dest: string, content: Buffer | string, options?: PutOptions): Promise<void>;
  /** Reads a whole file; null when it does not exist. */
  get(path: string, options?: { become?: Become }): Promise<Buffer | null>;
  /**
   * Starts a command that stays running beside the others (a lock held
   * with flock) until `release`, or until the connection ends: its input
   * then closes, which tells it to stop. Absent on the recording fake.
   */
  hold?(command: string): Promise<HeldCommand>;
  close(): Promise<void>;
}

/** A command started by `Connection.hold`. */
export interface HeldCommand {
  /** the first line it printed ('' when it exited without one) */
  firstLine: string;
  /** it exited already (it holds nothing) */
  exited: boolean;
  /** Writes `text` to its input and closes it; resolves once it has exited (or after a short wait). */
  release(text: string): Promise<void>;
}

/** What the engine needs to open a connection to one host, from its variables. */
export interface ConnectionSpec {
  host: string;
  transport: 'ssh' | 'local';
  address: string;
  port?: number;
  user?: string;
  privateKeyFile?: string;
  password?: string;
  /** extra ssh options, as in ansible_ssh_common_args */
  sshCommonArgs?: string;
  /** verify host keys (default true) */
  hostKeyChecking?: boolean;
  /** a known_hosts file in addition to the user's and the system's */
  knownHostsFile?: string;
  acceptNewHostKeys?: boolean;
  connectTimeoutMs?: number;
}
