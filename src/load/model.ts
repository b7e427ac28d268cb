/**
 * The typed model of a playbook after loading. Values that may hold
 * templates stay raw (`unknown`) and are rendered per host at run time.
 */
import type { SourcePos } from '../errors.js';
import type { ModuleLibrary } from './library.js';

/** Keywords shared by plays, blocks, roles and tasks, inherited downwards. */
export interface Inheritable {
  when: unknown[];
  tags: string[];
  vars: Record<string, unknown>;
  become?: unknown;
  becomeUser?: unknown;
  /** `remote_user`: the login where the host's variables name none (ansible_user wins, as in Ansible) */
  remoteUser?: unknown;
  environment?: unknown;
  noLog?: unknown;
  checkMode?: unknown;
  diff?: unknown;
  ignoreErrors?: unknown;
  /** an unreachable result is reported and ignored: the host goes on */
  ignoreUnreachable?: unknown;
  delegateTo?: unknown;
  runOnce?: unknown;
  connection?: string;
  anyErrorsFatal?: unknown;
  /** a block's notify: the handlers its tasks notify unless they name their own */
  notify?: unknown;
  /**
   * the `vars:` of the includes (include_tasks, include_role, the old
   * `include`) a task came through: Ansible's include params, which rank
   * above set_fact and role params (an import's vars are task vars)
   */
  includeParams?: Record<string, unknown>;
}

/**
 * A keyword written as a template that may render to `omit`
 * (`become: "{{ omit }}"`): then the value the node would have inherited
 * applies, as if the keyword were not written there, as in Ansible.
 */
export class OmittableKeyword {
  constructor(
    readonly value: string,
    readonly inherited: unknown,
  ) {}
}

export interface RoleInfo {
  name: string;
  dir: string;
  /** defaults/main.yml */
  defaults: Record<string, unknown>;
  /** vars/main.yml */
  vars: Record<string, unknown>;
  /** parameters given where the role is used (`{role: x, vars: {...}}`) */
  params: Record<string, unknown>;
  /** loaded as another role's meta dependency, not named by the play */
  dependency?: boolean;
  /** the folders of the roles that brought this one in as a dependency, nearest first */
  dependencyOf?: string[];
}

/** `with_<lookup>` loops whose items the lookup plugin of that name gives. */
export const LOOKUP_LOOP_KINDS = ['fileglob', 'first_found', 'inventory_hostnames', 'lines', 'random_choice'] as const;
export type LookupLoopKind = (typeof LOOKUP_LOOP_KINDS)[number];

export interface TaskNode extends Inheritable {
  kind: 'task';
  name: string | undefined;
  /** the module's canonical name */
  module: string;
  /** the module is the user's own Python file (library/NAME.py) */
  libraryFile?: string;
  args: Record<string, unknown>;
  loop?: unknown;
  /** with_items flattens one level, with_dict yields key/value items */
  loopKind?: 'loop' | 'items' | 'list' | 'dict' | 'indexed_items' | 'sequence' | 'flattened' | 'nested' | 'together' | 'subelements' | LookupLoopKind;
  loopVar: string;
  indexVar?: string;
  loopLabel?: unknown;
  loopPause?: number;
  /** loop_control: extended_allitems: false leaves ansible_loop.allitems out */
  loopAllItems?: boolean;
  register?: string;
  until?: unknown;
  retries?: unknown;
  delay?: unknown;
  /** seconds a task's commands may run before they are killed on the host */
  timeout?: unknown;
  /** `async`: the most seconds the task may take; with `poll: 0` it runs in the background */
  async?: unknown;
  poll?: unknown;
  changedWhen?: unknown;
  failedWhen?: unknown;
  notify: string[];
  listen: string[];
  role: RoleInfo | undefined;
  pos: SourcePos | undefined;
  /** a dynamic include: resolved per host at run time */
  include?: IncludeSpec;
}

export interface IncludeSpec {
  kind: 'include_tasks' | 'include_role';
  /** file (templated) for include_tasks, role name for include_role */
  target: unknown;
  tasksFrom?: unknown;
  /** include_role's handlers_from, vars_from and defaults_from (templated) */
  from?: { handlers_from?: unknown; vars_from?: unknown; defaults_from?: unknown };
  /** `apply:` keywords, for the tasks the include brings in */
  apply?: Partial<Inheritable>;
  /** the tags the include inherits from its blocks, role and play, without its own */
  inheritedTags: string[];
  /** the include's own `vars:`, include params of the tasks it brings in */
  params?: Record<string, unknown>;
}

export interface BlockNode extends Inheritable {
  kind: 'block';
  name: string | undefined;
  block: Node[];
  rescue: Node[];
  always: Node[];
  role: RoleInfo | undefined;
  pos: SourcePos | undefined;
  /**
   * A meta dependency the play already has (same role, same parameters):
   * listed by --list-tasks as Ansible lists it, never run, as Ansible skips
   * a role that has run.
   */
  listedOnly?: boolean;
}

export type Node = TaskNode | BlockNode;

export type Serial = Array<number | string>;

export interface Play extends Inheritable {
  name: string;
  hosts: string;
  /** `hosts:` as written when it was a YAML list: Ansible names the play and lists its pattern from it */
  hostsList?: string[];
  pos: SourcePos | undefined;
  /** where its roles are looked up (include_role too): the playbook's folders, then --roles-path */
  roleSearchPath: string[];
  /** the user's own modules found so far (library/ beside playbooks and roles), for include_role and include_tasks */
  library?: ModuleLibrary;
  dir: string;
  file: string;
  varsFiles: unknown[];
  roles: RoleInfo[];
  /** pre_tasks, then role tasks and tasks, then post_tasks: handlers flush between them */
  sections: Node[][];
  handlers: TaskNode[];
  serial: Serial | undefined;
  gatherFacts: boolean;
  maxFailPercentage: number | undefined;
  rollback: 'on_failure' | 'never';
  strategy: 'linear' | 'free';
  /** force_handlers: notified handlers run on a host even after it failed; when set, it wins over --force-handlers */
  forceHandlers: boolean | undefined;
}

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
}
