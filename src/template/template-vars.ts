/**
 * The variables Ansible adds while it renders a template file (the
 * template module and the template lookup): `ansible_managed`,
 * `template_path`, `template_fullpath`, `template_destpath`,
 * `template_host`, `template_uid`, `template_mtime`, `template_run_date`.
 */
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';

/** Ansible's default `ansible_managed` text; files keep the same header whichever tool wrote them. */
export const ANSIBLE_MANAGED = 'Ansible managed';

function ownerName(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[2] === String(uid)) return fields[0]!;
    }
  } catch {
    // no passwd file: the number stands in for the name
  }
  return String(uid);
}

/** Python's str(datetime.now()): `2024-05-01 12:34:56.789000`. */
function pythonDate(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}.${p(now.getMilliseconds() * 1000, 6)}`;
}

/**
 * `file`: the template found on the controller; `names`: the file as the
 * task or lookup wrote it (`template_path`) and the destination.
 */
export function templateVars(file: string, names?: { path: string; dest?: string }, now = new Date()): Record<string, unknown> {
  const stat = statSync(file, { throwIfNoEntry: false });
  return {
    ansible_managed: ANSIBLE_MANAGED,
    template_path: names?.path ?? file,
    template_fullpath: resolve(file),
    template_destpath: names?.dest ?? null,
    template_host: os.hostname(),
    template_uid: stat ? ownerName(stat.uid) : '',
    template_mtime: stat ? pythonDate(stat.mtime) : null,
    template_run_date: pythonDate(now),
  };
}
