/**
 * A HostContext over an in-memory file system, for the ca and cert module
 * tests. Steps are applied by a small interpreter that knows exactly the
 * commands those modules emit (mkdir -p, cp -p, mv -f, rm -f, chmod, chown
 * and an `if [ -e X ]; then ...; fi` guard) and the module kit's backup
 * steps, recognised by regenerating them exactly; any other command fails
 * the test, so a module emitting something new must teach this file first.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { FileStat } from '../../../src/connection/types.js';
import { backupStep, dropBackupsStep, restoreStep } from '../../../src/modules/kit/backup.js';
import type { HostContext, Step } from '../../../src/modules/types.js';
import { createCa, issueCert, type CertPair, type IssueCertOptions } from '../../../src/pki/index.js';

export interface MemFile {
  content: Buffer;
  mode: number;
  owner: string;
  group: string;
}

export class MemoryHost {
  readonly files = new Map<string, MemFile>();
  readonly dirs = new Set<string>(['/']);
  readonly warnings: string[] = [];
  /** the run's backups, by path: the file as it was, or 'absent' (kit/backup.ts's slots) */
  readonly backups = new Map<string, MemFile | 'absent'>();
  private runId = 'run1';

  constructor(files: Record<string, string | Partial<MemFile> & { text: string }> = {}) {
    for (const [path, spec] of Object.entries(files)) {
      const file = typeof spec === 'string' ? { text: spec } : spec;
      this.write(path, { content: Buffer.from(file.text), mode: file.mode ?? 0o644, owner: file.owner ?? 'root', group: file.group ?? 'root' });
    }
  }

  /** What the host holds, for comparing before and after an undo. */
  snapshot(): unknown {
    const files = [...this.files].sort(([a], [b]) => a.localeCompare(b)).map(([path, f]) => [path, createHash('sha256').update(f.content).digest('hex'), f.mode, f.owner, f.group]);
    return { files, dirs: [...this.dirs].sort() };
  }

  text(path: string): string | undefined {
    return this.files.get(path)?.content.toString('utf8');
  }

  write(path: string, file: MemFile): void {
    this.mkdirs(posix.dirname(path));
    this.files.set(path, file);
  }

  private mkdirs(dir: string): void {
    for (let d = dir; !this.dirs.has(d); d = posix.dirname(d)) this.dirs.add(d);
  }

  context(options: { runId?: string } = {}): HostContext {
    this.runId = options.runId ?? 'run1';
    const unsupported = (what: string) => () => {
      throw new Error(`the ca/cert test context has no ${what}`);
    };
    return {
      host: 'controller',
      vars: {},
      become: undefined,
      runId: options.runId ?? 'run1',
      pos: { file: 'roles/ca/tasks/main.yml', line: 1 },
      roleDir: undefined,
      playbookDir: '/playbooks',
      gather: unsupported('gather'),
      gatherAll: unsupported('gatherAll'),
      probe: unsupported('probe'),
      readFile: async (path) => this.files.get(path)?.content ?? null,
      stat: async (path): Promise<FileStat | null> => {
        const file = this.files.get(path);
        if (file) return { exists: true, type: 'file', mode: file.mode, owner: file.owner, group: file.group, size: file.content.length };
        if (this.dirs.has(path)) return { exists: true, type: 'directory', mode: 0o755, owner: 'root', group: 'root', size: 4096 };
        return null;
      },
      readControllerFile: unsupported('readControllerFile'),
      findFile: unsupported('findFile'),
      render: (text) => text,
      evaluate: unsupported('evaluate'),
      warn: (message) => {
        this.warnings.push(message);
      },
    };
  }

  apply(steps: readonly Step[] = []): void {
    for (const step of steps) {
      if (step.kind === 'put') {
        const content = 'text' in step.content ? Buffer.from(step.content.text) : 'base64' in step.content ? Buffer.from(step.content.base64, 'base64') : null;
        if (!content) throw new Error('localPath puts are not supported here');
        if (!this.dirs.has(posix.dirname(step.dest))) throw new Error(`put ${step.dest}: no such directory`);
        const old = this.files.get(step.dest);
        this.files.set(step.dest, { content, mode: step.mode ?? old?.mode ?? 0o644, owner: step.owner ?? old?.owner ?? 'root', group: step.group ?? old?.group ?? 'root' });
      } else if (step.kind === 'exec') {
        if (!this.runKitStep(step.command, step.description)) this.run(splitWords(step.command));
      } else {
        throw new Error(`fetch ${step.src}: not supported here`);
      }
    }
  }

  /** The kit's backup, restore and cleanup steps, as the shell would run them; false for any other step. */
  private runKitStep(command: string, description: string): boolean {
    const kinds: Array<[RegExp, (files: string[]) => Step, (files: string[]) => void]> = [
      [/^back up (.*)$/, (f) => backupStep(this.runId, f), (f) => f.forEach((p) => {
        if (this.backups.has(p)) return;
        const file = this.files.get(p);
        this.backups.set(p, file ? { ...file } : 'absent');
      })],
      [/^restore (.*) from the run's backups$/, (f) => restoreStep(this.runId, f), (f) => f.forEach((p) => {
        const kept = this.backups.get(p);
        if (kept === 'absent') this.files.delete(p);
        else if (kept) this.write(p, { ...kept });
      })],
      [/^delete the run's backups of (.*)$/, (f) => dropBackupsStep(this.runId, f), (f) => f.forEach((p) => this.backups.delete(p))],
    ];
    for (const [pattern, make, apply] of kinds) {
      const files = pattern.exec(description)?.[1]?.split(', ');
      if (files && (make(files) as { command?: string }).command === command) {
        apply(files);
        return true;
      }
    }
    return false;
  }

  private run(all: string[]): void {
    const words = all.filter((w, i) => w !== '--' && !(all[0] === 'chown' && i === 1 && w === '-h'));
    if (words[0] === 'if') {
      // if [ -e X ] ; then CMD... ; fi
      const [, open, flag, path, close, semi, then] = words;
      if (open !== '[' || flag !== '-e' || close !== ']' || semi !== ';' || then !== 'then' || words.at(-1) !== 'fi' || words.at(-2) !== ';') {
        throw new Error(`unsupported if: ${words.join(' ')}`);
      }
      if (path !== undefined && (this.files.has(path) || this.dirs.has(path))) this.run(words.slice(7, -2));
      return;
    }
    const [cmd, ...args] = words;
    const file = (path: string | undefined): MemFile => {
      const found = path === undefined ? undefined : this.files.get(path);
      if (!found) throw new Error(`${cmd}: ${path}: no such file`);
      return found;
    };
    const [a, b, c] = args;
    if (cmd === 'mkdir' && a === '-p' && b) this.mkdirs(b);
    else if (cmd === 'cp' && a === '-p' && b && c) this.write(c, { ...file(b) });
    else if (cmd === 'mv' && a === '-f' && b && c) {
      this.write(c, file(b));
      this.files.delete(b);
    } else if (cmd === 'rm' && a === '-f') for (const path of args.slice(1)) this.files.delete(path);
    else if (cmd === 'chmod' && a && b) file(b).mode = parseInt(a, 8);
    else if (cmd === 'chown' && a && b) {
      const [owner = '', group] = a.split(':');
      Object.assign(file(b), { owner, ...(group !== undefined && { group }) });
    } else throw new Error(`unsupported command: ${words.join(' ')}`);
  }
}

/** Splits a command built by src/shell/quote.ts into words; `;` is a word of its own. */
export function splitWords(command: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i] as string;
    if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in ${command}`);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (ch === '\\') {
      word = (word ?? '') + (command[++i] ?? '');
    } else if (ch === ' ' || ch === ';') {
      if (word !== null) words.push(word);
      word = null;
      if (ch === ';') words.push(';');
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

// ------------------------------------------------- cert module fixtures

export const CA_CERT = '/etc/kubeasz/ssl/ca.pem';
export const CA_KEY = '/etc/kubeasz/ssl/ca-key.pem';
export const CERT = '/etc/etcd/ssl/etcd.pem';
export const KEY = '/etc/etcd/ssl/etcd-key.pem';

export const baseArgs = {
  ca_cert: CA_CERT,
  ca_key: CA_KEY,
  cert: CERT,
  key: KEY,
  common_name: 'etcd',
  hosts: ['10.0.0.1', 'etcd-1'],
  usages: ['peer'],
  owner: 'etcd',
  group: 'etcd',
};

export interface Cas {
  ca: CertPair;
  other: CertPair;
}

export async function makeCas(): Promise<Cas> {
  const [ca, other] = await Promise.all([createCa({ commonName: 'etcd-ca' }), createCa({ commonName: 'other-ca' })]);
  return { ca, other };
}

/** A host with the CA and a member certificate issued as baseArgs asks, with `changes` applied to the issue. */
export async function hostWithCert(host: MemoryHost, cas: Cas, changes: Partial<IssueCertOptions> = {}): Promise<CertPair> {
  host.write(CA_CERT, { content: Buffer.from(cas.ca.certPem), mode: 0o644, owner: 'root', group: 'root' });
  host.write(CA_KEY, { content: Buffer.from(cas.ca.keyPem), mode: 0o600, owner: 'root', group: 'root' });
  const pair = await issueCert({ ca: cas.ca, commonName: 'etcd', hosts: baseArgs.hosts, usages: ['peer'], ...changes });
  host.write(CERT, { content: Buffer.from(pair.certPem), mode: 0o644, owner: 'etcd', group: 'etcd' });
  host.write(KEY, { content: Buffer.from(pair.keyPem), mode: 0o600, owner: 'etcd', group: 'etcd' });
  return pair;
}
