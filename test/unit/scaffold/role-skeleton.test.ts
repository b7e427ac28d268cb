import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { validatePlaybook } from '../../../src/engine/validate.js';
import { EzplayError } from '../../../src/errors.js';
import type { RoleInfo, TaskNode } from '../../../src/load/model.js';
import { loadPlaybook } from '../../../src/load/playbook.js';
import { roleSkeleton, writeRoleSkeleton } from '../../../src/scaffold/role-skeleton.js';
import { Templar } from '../../../src/template/index.js';

function tempRoles(t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-skeleton-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the skeleton has kubeasz\'s layout and tests', async (t) => {
  const roles = tempRoles(t);
  const { dir, files } = await writeRoleSkeleton(roles, 'node_exporter_lite');
  t.is(dir, path.join(roles, 'node_exporter_lite'));
  for (const f of [
    'tasks/main.yml',
    'defaults/main.yml',
    'handlers/main.yml',
    'meta/main.yml',
    'templates/node_exporter_lite.conf.j2',
    'templates/node-exporter-lite.service.j2',
    'files/.gitkeep',
    'tests/test.yml',
    'tests/verify.yml',
    'README.md',
  ]) {
    t.true(files.includes(f), f);
    t.true(existsSync(path.join(dir, f)), f);
  }
  const meta = parse(readFileSync(path.join(dir, 'meta/main.yml'), 'utf8')) as { dependencies: unknown[] };
  t.deepEqual(meta.dependencies, []);
});

test('tests/test.yml applies the role to all hosts, with its tasks and handler', async (t) => {
  const roles = tempRoles(t);
  const { dir } = await writeRoleSkeleton(roles, 'node_exporter_lite');
  const playbook = loadPlaybook(path.join(dir, 'tests/test.yml'), { rolesPath: [roles] });
  validatePlaybook(playbook);
  const play = playbook.plays[0]!;
  t.is(play.hosts, 'all');
  const tasks = play.sections.flat() as TaskNode[];
  t.deepEqual(
    tasks.filter((n) => n.role?.name === 'node_exporter_lite').map((n) => n.module),
    ['file', 'template', 'template', 'systemd'],
  );
  const roleInfo = tasks[0]!.role as RoleInfo;
  t.is(roleInfo.dir, dir);
  t.deepEqual(play.handlers.map((h) => h.name), ['restart node-exporter-lite']);
  t.true(tasks.filter((n) => n.module === 'template').every((n) => n.notify.includes('restart node-exporter-lite')));
});

test('tests/verify.yml loads: read-only commands and asserts', async (t) => {
  const roles = tempRoles(t);
  const { dir } = await writeRoleSkeleton(roles, 'web_probe');
  const playbook = loadPlaybook(path.join(dir, 'tests/verify.yml'), { rolesPath: [roles] });
  validatePlaybook(playbook);
  const tasks = playbook.plays[0]!.sections.flat() as TaskNode[];
  t.deepEqual(tasks.map((n) => n.module), ['command', 'assert', 'command', 'assert']);
  t.true(tasks.filter((n) => n.module === 'command').every((n) => n.changedWhen !== undefined));
});

test('the templates render with the defaults into a config and a unit that reads it', async (t) => {
  const files = new Map(roleSkeleton('demo').map((f) => [f.path, f.content]));
  const defaults = parse(files.get('defaults/main.yml')!) as Record<string, unknown>;
  const templar = new Templar();
  const config = templar.render(files.get('templates/demo.conf.j2')!, defaults);
  t.true(config.includes('greeting="hello from demo"\ninterval=3600\n'));
  const unit = templar.render(files.get('templates/demo.service.j2')!, defaults);
  t.true(unit.includes('EnvironmentFile=/etc/demo/demo.conf\n'));
  t.true(unit.includes(`ExecStart=/bin/sh -c 'while :; do echo "$$greeting"; sleep "$$interval"; done'`));
  t.true(unit.includes('WantedBy=multi-user.target'));
});

test('a new role never overwrites an existing folder, and names are checked', async (t) => {
  const roles = tempRoles(t);
  await writeRoleSkeleton(roles, 'mine');
  const before = readFileSync(path.join(roles, 'mine/tasks/main.yml'), 'utf8');
  const error = await t.throwsAsync(writeRoleSkeleton(roles, 'mine'));
  t.true(error instanceof EzplayError);
  t.regex(error!.message, /already exists/);
  t.is(readFileSync(path.join(roles, 'mine/tasks/main.yml'), 'utf8'), before);
  t.throws(() => roleSkeleton('Bad-Name'), { message: /not a role name/ });
  t.throws(() => roleSkeleton('../escape'), { message: /not a role name/ });
});
