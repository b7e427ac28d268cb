import test from 'ava';
import path from 'node:path';
import { listedTasks } from '../../../src/engine/validate.js';
import { loadPlaybook } from '../../../src/load/playbook.js';
import { argumentErrors, validateArgumentSpecModule } from '../../../src/modules/validate-argument-spec.js';
import { moduleTable } from '../../helpers/module-table.js';
import { project } from '../../helpers/run-local.js';

const SPEC = {
  releases: { type: 'list', elements: 'dict', required: true },
  namespace: { type: 'str', choices: ['kube-system', 'default'] },
  replicas: { type: 'int' },
};

const cases: Array<[string, Record<string, unknown>, string[]]> = [
  ['all well', { releases: [{ name: 'a' }], namespace: 'default', replicas: '3' }, []],
  ['a required argument missing', { namespace: 'default' }, ['missing required arguments: releases']],
  ['a value outside the choices', { releases: [], namespace: 'x' }, ['value of namespace must be one of: kube-system, default, got: x']],
  ['elements of the wrong type', { releases: ['a'] }, ["Elements value for option 'releases' is of the wrong type: expected dict"]],
  ['not an integer', { releases: [], replicas: 'many' }, ["argument 'replicas' is of type string and we were unable to convert to int"]],
];
for (const [title, given, errors] of cases) {
  test(`argument spec: ${title}`, (t) => t.deepEqual(argumentErrors(SPEC, given), errors));
}

moduleTable([
  {
    name: "the role's parameters over the host's variables pass",
    module: validateArgumentSpecModule,
    args: { argument_spec: SPEC, provided_arguments: { namespace: 'default' } },
    vars: { releases: [{ name: 'cert-manager' }] },
    expect: { changed: false, msg: 'The arg spec validation passed', reads: 0 },
  },
  {
    name: 'a missing argument fails the task, as Ansible words it',
    module: validateArgumentSpecModule,
    args: { argument_spec: SPEC, provided_arguments: {} },
    expect: { error: 'Validation of arguments failed:\nmissing required arguments: releases', errorResult: { argument_errors: ['missing required arguments: releases'] } },
  },
]);

test("a role with an argument spec for its entry point starts with Ansible's validation task, tagged always", (t) => {
  const dir = project({
    'p.yml': '- hosts: all\n  roles:\n    - role: apps\n      releases: []\n  tasks:\n    - include_role:\n        name: apps\n        tasks_from: other\n',
    'roles/apps/meta/argument_specs.yml': 'argument_specs:\n  main:\n    short_description: Install a list of Helm charts.\n    options:\n      releases: {type: list, required: true}\n',
    'roles/apps/tasks/main.yml': '- name: install\n  debug: msg=x\n  tags: apps\n',
    'roles/apps/tasks/other.yml': '- name: other\n  debug: msg=y\n',
  });
  const play = loadPlaybook(path.join(dir, 'p.yml')).plays[0]!;
  const tasks = play.sections.flatMap((s) => listedTasks(s));
  const first = tasks[0]!;
  t.is(first.name, "Validating arguments against arg spec 'main' - Install a list of Helm charts.");
  t.is(first.module, 'validate_argument_spec');
  t.deepEqual(first.tags, ['always']);
  t.deepEqual(first.args.provided_arguments, { releases: [] });
  t.is(tasks[1]!.name, 'install');
});
