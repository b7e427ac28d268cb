/**
 * Modules of the user's own, as Ansible finds them: `NAME.py` in a
 * `library/` folder beside a playbook (every playbook file loaded, the
 * imported ones too), in a role's `library/` (once the role is loaded, for
 * every task after it, as Ansible adds the folder to its module path), and
 * in the folders of ANSIBLE_LIBRARY. Only bare names (and `ansible.legacy.`)
 * are looked up here; they win over ezplay's own modules of the same name,
 * as a module in library/ wins over Ansible's builtin one.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export class ModuleLibrary {
  private readonly dirs: string[] = [];

  /** Adds `<dir>/library` when it exists (a playbook's or a role's folder). */
  addBeside(dir: string): void {
    const library = path.resolve(dir, 'library');
    if (this.dirs.includes(library) || !existsSync(library) || !statSync(library).isDirectory()) return;
    this.dirs.push(library);
  }

  /** The file of module `name`, or undefined; a role's own library/ first. */
  find(name: string, roleDir?: string): string | undefined {
    const bare = name.startsWith('ansible.legacy.') ? name.slice('ansible.legacy.'.length) : name;
    if (!/^[A-Za-z_][\w]*$/.test(bare)) return undefined;
    const own = roleDir ? [path.join(roleDir, 'library')] : [];
    const fromEnv = (process.env.ANSIBLE_LIBRARY ?? '').split(':').filter(Boolean).map((d) => path.resolve(d));
    for (const dir of [...own, ...this.dirs, ...fromEnv]) {
      const file = path.join(dir, `${bare}.py`);
      if (existsSync(file) && statSync(file).isFile()) return file;
    }
    return undefined;
  }
}
