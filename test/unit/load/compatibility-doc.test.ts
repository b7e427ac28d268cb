/**
 * docs/ansible-compatibility.md stays true: every YAML example in it loads
 * and passes validation, and every one marked `# refused` is refused at load
 * with its line.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EzplayError } from '../../../src/errors.js';
import { validatePlaybook } from '../../../src/engine/validate.js';
import { loadPlaybook } from '../../../src/load/playbook.js';
import { project } from '../../helpers/run-local.js';
import { ROOT } from '../../helpers/cli.js';

const page = readFileSync(path.join(ROOT, 'docs', 'ansible-compatibility.md'), 'utf8');
const examples = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

test('the page has examples, some of them refused', (t) => {
  t.true(examples.length >= 5);
  t.true(examples.some((e) => e.startsWith('# refused')));
});

for (const [index, example] of examples.entries()) {
  const refused = example.startsWith('# refused');
  test(`example ${index + 1} ${refused ? 'is refused' : 'loads'}`, (t) => {
    const dir = project({ 'play.yml': example });
    const load = () => validatePlaybook(loadPlaybook(path.join(dir, 'play.yml')));
    if (!refused) {
      t.notThrows(load);
      return;
    }
    const error = t.throws(load, { instanceOf: EzplayError });
    t.is(error!.pos?.file, path.join(dir, 'play.yml'));
    t.true((error!.pos?.line ?? 0) > 1);
  });
}
