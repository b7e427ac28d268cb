/** `ezplay new role NAME [--path DIR]`: a role skeleton with its tests, ready for `ezplay test NAME`. */
import path from 'node:path';
import { writeRoleSkeleton } from '../scaffold/role-skeleton.js';

export async function newRoleCommand(name: string, flags: { path: string }): Promise<void> {
  const { dir, files } = await writeRoleSkeleton(flags.path, name);
  const shown = path.relative(process.cwd(), dir) || dir;
  const where = path.resolve(flags.path) === path.resolve('roles') ? '' : ` --roles-path ${flags.path}`;
  const lines = [`created role ${name} in ${shown}`, ...files.map((f) => `  ${path.join(shown, f)}`), '', `next: edit ${path.join(shown, 'tasks', 'main.yml')}, then \`ezplay test ${name}${where}\``];
  process.stdout.write(`${lines.join('\n')}\n`);
}
