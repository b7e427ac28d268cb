/** `ezplay new role NAME [--path DIR]`: a role skeleton with its tests, ready for `ezplay test NAME`. */
import path from 'node:path';
import type { Command } from 'commander';
import { writeRoleSkeleton } from '../scaffold/role-skeleton.js';

export function registerNewRoleCommand(program: Command): void {
  const create = program.command('new').description('create something from a skeleton');
  create
    .command('role')
    .argument('<name>', 'the role name (lower-case letters, digits and _)')
    .option('--path <dir>', 'the roles folder to create it in', 'roles')
    .description('create a role in kubeasz\'s layout, with an example service and tests')
    .addHelpText(
      'after',
      `
Example:
  ezplay new role node_exporter_lite     # roles/node_exporter_lite
  ezplay test node_exporter_lite         # converge, idempotence, check, verify, rollback`,
    )
    .action(async (name: string, flags: { path: string }) => {
      const { dir, files } = await writeRoleSkeleton(flags.path, name);
      const shown = path.relative(process.cwd(), dir) || dir;
      const where = path.resolve(flags.path) === path.resolve('roles') ? '' : ` --roles-path ${flags.path}`;
      const lines = [`created role ${name} in ${shown}`, ...files.map((f) => `  ${path.join(shown, f)}`), '', `next: edit ${path.join(shown, 'tasks', 'main.yml')}, then \`ezplay test ${name}${where}\``];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
