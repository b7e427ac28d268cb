/** Permission bits as Ansible prints them and chmod reads them: four octal digits (`0644`, `4755`). */
export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/**
 * A symbolic mode (`u+x`, `g=rw,o-r`, `o=rwXt`, `u=g`) checked as Ansible
 * checks it: each clause is users (`ugoa`, or none) then operator and
 * permissions; throws `bad symbolic permission for mode: CLAUSE`.
 */
export function checkSymbolicMode(spec: string): void {
  for (const clause of spec.split(',')) {
    const [users = '', ...perms] = clause.split(/[+=-]/);
    if (!/[+=-]/.test(clause) || /[^ugoa]/.test(users) || perms.some((p) => /[^rwxXstugo]/.test(p))) {
      throw new Error(`bad symbolic permission for mode: ${clause}`);
    }
  }
}

const WHO: Record<string, { shift: number; special: number; all: number }> = {
  u: { shift: 6, special: 0o4000, all: 0o4700 },
  g: { shift: 3, special: 0o2000, all: 0o2070 },
  o: { shift: 0, special: 0o1000, all: 0o1007 },
};

/**
 * The permission bits a symbolic mode gives a path whose bits are `current`,
 * as Ansible computes them: `X` counts when the path is a directory or has an
 * execute bit; no users means all, with the bits of `umask` left alone;
 * `u`, `g`, `o` as permissions copy the path's bits as they were.
 */
export function applySymbolicMode(spec: string, current: number, isDirectory: boolean, umask = 0o022): number {
  checkSymbolicMode(spec);
  const prev = current & 0o7777;
  const applyX = isDirectory || (prev & 0o111) > 0;
  let mode = prev;
  for (const clause of spec.split(',')) {
    const operators = clause.match(/[+=-]/g) ?? [];
    const [given = '', ...permsList] = clause.split(/[+=-]/);
    const useUmask = given === '';
    const users = given === '' || given === 'a' ? 'ugo' : given.replace(/a/g, 'ugo');
    permsList.forEach((perms, index) => {
      const operator = operators[index];
      for (const user of users) {
        const who = WHO[user]!;
        let bits = 0;
        for (const p of perms) {
          const rwx = p === 'r' ? 4 : p === 'w' ? 2 : p === 'x' ? 1 : p === 'X' ? (applyX ? 1 : 0) : 0;
          if (rwx) bits |= (p !== 'X' && useUmask ? (rwx << who.shift) & ~umask : rwx << who.shift);
          else if (p === 's' && user !== 'o') bits |= who.special;
          else if (p === 't' && user === 'o') bits |= 0o1000;
          else if (p === 'u' || p === 'g' || p === 'o') bits |= ((prev >> WHO[p]!.shift) & 7) << who.shift;
        }
        if (operator === '=') mode = (mode & ~who.all & 0o7777) | bits;
        else if (operator === '+') mode |= bits;
        else mode &= ~bits;
      }
    });
  }
  return mode;
}
