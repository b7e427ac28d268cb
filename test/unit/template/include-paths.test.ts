/** Where a template file's {% include %} and {% import %} look: as Ansible's template action sets Jinja's search path. */
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { templar } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-include-paths-'));
const role = path.join(dir, 'roles', 'web');
for (const d of [path.join(role, 'templates'), path.join(dir, 'templates'), path.join(dir, 'elsewhere')]) mkdirSync(d, { recursive: true });
writeFileSync(path.join(role, 'templates', 'macros'), '{% macro hi(n) %}hi {{ n }}{% endmacro %}');
writeFileSync(path.join(dir, 'templates', 'footer'), 'footer of the playbook');
writeFileSync(path.join(dir, 'elsewhere', 'beside'), 'beside the file');
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const vars = { playbook_dir: dir, role_path: role, name: 'x' };

const cases: Array<[string, string, string]> = [
  ['the role\'s templates/', "{% import 'macros' as m %}{{ m.hi(name) }}", 'hi x'],
  ['the playbook\'s templates/', "{% include 'footer' %}", 'footer of the playbook'],
  ['the folder of the file itself', "{% include 'beside' %}", 'beside the file'],
];

for (const [where, text, expected] of cases) {
  test(`a template file includes from ${where}`, (t) => {
    t.is(templar.renderFile(text, vars, { file: path.join(dir, 'elsewhere', 'main.j2'), line: 1 }), expected);
  });
}

test('a missing include names the folders it searched', (t) => {
  t.throws(() => templar.renderFile("{% include 'nope' %}", vars, { file: path.join(dir, 'elsewhere', 'main.j2'), line: 1 }), {
    message: new RegExp(`template not found: nope \\(searched ${path.join(role, 'templates')}, ${role}, `),
  });
});
