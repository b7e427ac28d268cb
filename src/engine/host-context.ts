/**
 * Builds the HostContext a module plans with: read-only access to one host
 * through its connection, and controller-side lookups for the task's role.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ModuleError, type SourcePos } from '../errors.js';
import type { Become, Connection } from '../connection/types.js';
import { readVarsFileSync } from '../load/vars-file.js';
import { FactGatherer } from '../facts/gather.js';
import { fileStatOf, pathsFact } from '../facts/paths.js';
import type { PlannedState } from '../facts/planned.js';
import type { HostContext, ProgressUpdate, TemplateNames } from '../modules/types.js';

export interface HostContextOptions {
  host: string;
  conn: Connection;
  vars: Record<string, unknown>;
  become?: Become | undefined;
  /** check mode: what earlier planned steps on this host would have made; facts answer from it */
  planned?: PlannedState | undefined;
  /** check mode: the same for the controller (files that findFile finds) */
  controllerPlanned?: PlannedState | undefined;
  runId: string;
  pos?: SourcePos | undefined;
  roleDir?: string | undefined;
  playbookDir: string;
  render?: (text: string, source?: SourcePos, template?: TemplateNames) => string;
  evaluate?: (expression: string, source?: SourcePos) => unknown;
  warn?: (message: string) => void;
  progress?: (update: ProgressUpdate) => void;
  env?: Record<string, string>;
  /** delegate_to: the host the task runs on instead of its own */
  delegatedTo?: string | undefined;
  /** the controller's connection, for modules that plan a command run there (synchronize's rsync) */
  controller?: Connection | undefined;
  /** the task's target is reached by the local connection (the controller itself) */
  local?: boolean;
}

export function createHostContext(o: HostContextOptions): HostContext {
  const become = o.become;
  const execOpts = (extra: { stdin?: string; env?: Record<string, string>; cwd?: string } = {}) => ({
    ...(become ? { become } : {}),
    ...(o.env || extra.env ? { env: { ...o.env, ...extra.env } } : {}),
    ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}),
    ...(extra.cwd ? { cwd: extra.cwd } : {}),
  });
  const facts = new FactGatherer((command) => o.conn.exec(command, execOpts()), o.planned, o.pos);
  return {
    host: o.host,
    vars: o.vars,
    become,
    runId: o.runId,
    pos: o.pos,
    roleDir: o.roleDir,
    playbookDir: o.playbookDir,
    gather: (fact, args, options) => facts.gather(fact, args, options),
    gatherAll: (requests, options) => facts.gatherAll(requests, options),
    probe: (command, options) => o.conn.exec(command, execOpts(options)),
    ...(o.delegatedTo !== undefined ? { delegatedTo: o.delegatedTo } : {}),
    ...(o.local ? { local: true } : {}),
    ...(o.controller ? { probeController: (command: string) => o.controller!.exec(command, {}) } : {}),
    async reconnect() {
      await o.conn.close();
      await o.conn.connect();
    },
    async readFile(file) {
      const planned = o.planned?.path(file);
      if (planned?.type === 'absent') return null;
      if (planned?.type === 'file' && planned.content) return planned.content;
      return o.conn.get(file, become ? { become } : {});
    },
    async stat(file) {
      const [found] = await facts.gather(pathsFact, [{ path: file }]);
      return found ? fileStatOf(found) : null;
    },
    readControllerFile(file) {
      const planned = o.controllerPlanned?.path(file);
      if (planned?.type === 'file' && planned.content) return planned.content;
      return readFileSync(file);
    },
    findFile(kind, name) {
      // in check mode a file an earlier task would write on the controller counts as found
      const exists = (file: string) => existsSync(file) || !!o.controllerPlanned?.path(file)?.content;
      if (path.isAbsolute(name)) {
        if (exists(name)) return name;
        throw new ModuleError(`could not find '${name}' on the controller`, {}, o.pos);
      }
      const candidates = [
        ...(o.roleDir ? [path.join(o.roleDir, kind, name), path.join(o.roleDir, name)] : []),
        path.join(o.playbookDir, kind, name),
        path.join(o.playbookDir, name),
      ];
      const found = candidates.find((c) => exists(c));
      if (!found) {
        throw new ModuleError(`could not find '${name}' (looked in ${candidates.join(', ')})`, {}, o.pos);
      }
      return found;
    },
    readVars: (file) => readVarsFileSync(file),
    render(text, source, template) {
      if (!o.render) return text;
      return o.render(text, source ?? o.pos, template);
    },
    evaluate(expression, source) {
      if (!o.evaluate) throw new ModuleError('expressions cannot be evaluated here', {}, o.pos);
      return o.evaluate(expression, source ?? o.pos);
    },
    warn: (message) => o.warn?.(message),
    ...(o.progress ? { progress: o.progress } : {}),
  };
}
