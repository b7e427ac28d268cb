/**
 * Account names that look like options (`-rf`, `-D`) reach useradd and
 * groupadd after `--`: refused as names by the tools themselves, never read
 * as flags. Runs the real shadow tools on this machine (as root).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { ezplay } from '../helpers/cli.js';
import { project, LOCAL_INVENTORY } from '../helpers/run-local.js';

const cases = [
  { task: 'user: name=-rf create_home=false', refused: /useradd: invalid user name '-rf'/ },
  { task: 'user: name=-D create_home=false', refused: /useradd: invalid user name '-D'/ },
  { task: 'group: name=-rf', refused: /groupadd: '-rf' is not a valid group name/ },
];

for (const c of cases) {
  test(`${c.task}: the name is a name, refused by the tool, never an option`, async (t) => {
    const defaults = readFileSync('/etc/default/useradd', 'utf8');
    const dir = project({ hosts: LOCAL_INVENTORY, 'play.yml': `- hosts: local\n  gather_facts: false\n  tasks:\n    - ${c.task}\n` });
    const run = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
    t.is(run.code, 2, run.stdout + run.stderr);
    t.regex(run.stdout, c.refused);
    t.notRegex(run.stdout, /Usage:|Options:/, 'the tool did not take the name for flags');
    t.is(readFileSync('/etc/default/useradd', 'utf8'), defaults);
  });
}
