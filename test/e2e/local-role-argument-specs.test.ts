/**
 * A role's meta/argument_specs.yml on this machine: the validation task
 * Ansible puts first passes with the role's parameters, and fails the
 * host, before any of the role's tasks, when a required one is missing.
 */
import test from 'ava';
import { LOCAL_INVENTORY, project, runLocal } from '../helpers/run-local.js';

const files = (params: string) => ({
  hosts: LOCAL_INVENTORY,
  'play.yml': `- hosts: local\n  gather_facts: false\n  roles:\n    - role: apps\n${params}`,
  'roles/apps/meta/argument_specs.yml': 'argument_specs:\n  main:\n    short_description: Install charts.\n    options:\n      releases: {type: list, elements: dict, required: true}\n',
  'roles/apps/tasks/main.yml': '- name: install\n  debug: msg="{{ releases | length }} releases"\n',
});

test('the role runs when its parameters meet the spec', async (t) => {
  const run = await runLocal(project(files('      releases: [{name: a}]\n')));
  t.false(run.summary.failed, run.output);
  t.regex(run.output, /TASK \[apps : Validating arguments against arg spec 'main' - Install charts\.\]/);
  t.regex(run.output, /"msg": "1 releases"/);
});

test('a missing required parameter fails the host before the role does anything', async (t) => {
  const run = await runLocal(project(files('')));
  t.true(run.summary.failed);
  t.regex(run.output, /missing required arguments: releases/);
  t.notRegex(run.output, /TASK \[apps : install\]/);
});
