/**
 * Builds the HostContext a module plans with: read-only access to one host
 * through its connection, and controller-side lookups for the task's role.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ModuleError, type SourcePos } from '../errors.js';
import type { Become, Connection } from '../connection/types.js';
import { parseStat, statCommand } from '../modules/host-probes.js';
import type { HostContext, ProgressUpdate } from '../modules/types.js';

export interface HostContextOptions {
  host: string;
  conn: Connection;
  vars: Record<string, unknown>;
  become?: Become | undefined;
  check?: boolean;
  diff?: boolean;
  runId: string;
  pos?: SourcePos | undefined;
  roleDir?: string | undefined;
  playbookDir: string;
  render?: (text: string, source?: SourcePos) => string;
  evaluate?: (expression: string, source?: SourcePos) => unknown;
  warn?: (message: string) => void;
  progress?: (update: ProgressUpdate) => void;
  env?: Record<string, string>;
}

export function createHostContext(o: HostContextOptions): HostContext {
  const become = o.become;
  const execOpts = (extra: { stdin?: string; env?: Record<string, string>; cwd?: string } = {}) => ({
    ...(become ? { become } : {}),
    ...(o.env || extra.env ? { env: { ...o.env, ...extra.env } } : {}),
    ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}),
    ...(extra.cwd ? { cwd: extra.cwd } : {}),
  });
  return {
    host: o.host,
    vars: o.vars,
    become,
    check: o.check ?? false,
    diff: o.diff ?? false,
    runId: o.runId,
    pos: o.pos,
    roleDir: o.roleDir,
    playbookDir: o.playbookDir,
    probe: (command, options) => o.conn.exec(command, execOpts(options)),
    readFile: (file) => o.conn.get(file, become ? { become } : {}),
    async stat(file) {
      const res = await o.conn.exec(statCommand(file), execOpts());
      if (res.rc !== 0) throw new ModuleError(`stat ${file}: ${res.stderr.trim()}`, {}, o.pos);
      return parseStat(res.stdout);
    },
    findFile(kind, name) {
      if (path.isAbsolute(name)) {
        if (existsSync(name)) return name;
        throw new ModuleError(`could not find '${name}' on the controller`, {}, o.pos);
      }
      const candidates = [
        ...(o.roleDir ? [path.join(o.roleDir, kind, name), path.join(o.roleDir, name)] : []),
        path.join(o.playbookDir, kind, name),
        path.join(o.playbookDir, name),
      ];
      const found = candidates.find((c) => existsSync(c));
      if (!found) {
        throw new ModuleError(`could not find '${name}' (looked in ${candidates.join(', ')})`, {}, o.pos);
      }
      return found;
    },
    render(text, source) {
      if (!o.render) return text;
      return o.render(text, source ?? o.pos);
    },
    evaluate(expression, source) {
      if (!o.evaluate) throw new ModuleError('expressions cannot be evaluated here', {}, o.pos);
      return o.evaluate(expression, source ?? o.pos);
    },
    warn: (message) => o.warn?.(message),
    ...(o.progress ? { progress: o.progress } : {}),
  };
}
