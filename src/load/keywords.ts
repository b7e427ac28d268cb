/** The keywords each level of a playbook accepts; anything else is an error. */

export const INHERITABLE_KEYWORDS = [
  'when',
  'tags',
  'vars',
  'become',
  'become_user',
  'become_method',
  'remote_user',
  'environment',
  'no_log',
  'check_mode',
  'diff',
  'ignore_errors',
  'ignore_unreachable',
  'delegate_to',
  'delegate_facts',
  'run_once',
  'connection',
  'any_errors_fatal',
  'throttle',
  'timeout',
  'debugger',
  'module_defaults',
  'collections',
] as const;

/** The loop keywords of a task: `loop` and the with_<lookup> loops ezplay runs. */
export const LOOP_KEYWORDS = [
  'loop',
  'with_items',
  'with_list',
  'with_dict',
  'with_indexed_items',
  'with_sequence',
  'with_flattened',
  'with_nested',
  'with_together',
  'with_subelements',
  'with_first_found',
  'with_fileglob',
  'with_inventory_hostnames',
] as const;

export const TASK_KEYWORDS = new Set<string>([
  ...INHERITABLE_KEYWORDS,
  'name',
  'args',
  'action',
  'local_action',
  ...LOOP_KEYWORDS,
  'loop_control',
  'register',
  'until',
  'retries',
  'delay',
  'changed_when',
  'failed_when',
  'notify',
  'listen',
  'async',
  'poll',
]);

export const BLOCK_KEYWORDS = new Set<string>([...INHERITABLE_KEYWORDS, 'name', 'block', 'rescue', 'always', 'notify']);

export const PLAY_KEYWORDS = new Set<string>([
  ...INHERITABLE_KEYWORDS,
  'name',
  'hosts',
  'vars_files',
  'vars_prompt',
  'roles',
  'pre_tasks',
  'tasks',
  'post_tasks',
  'handlers',
  'serial',
  'gather_facts',
  'gather_subset',
  'max_fail_percentage',
  'rollback',
  'strategy',
  'order',
  'force_handlers',
  'remote_user',
  'port',
  'user',
]);

export const ROLE_REF_KEYWORDS = new Set<string>([
  ...INHERITABLE_KEYWORDS,
  'role',
  'name',
  'tasks_from',
  'defaults_from',
  'vars_from',
  'handlers_from',
  'public',
  'allow_duplicates',
]);

/** Modules the engine runs itself, because they change the task list. */
export const ENGINE_ACTIONS = new Set<string>([
  'meta',
  'include_tasks',
  'import_tasks',
  'include_role',
  'import_role',
  'include',
  'async_status',
]);

/** The argument holding a module's arguments written as one template (`helm: "{{ a | combine(b) }}"`), as Ansible names it. */
export const VARIABLE_PARAMS = '_variable_params';
