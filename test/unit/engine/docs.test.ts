import test from 'ava';
import { readFileSync } from 'node:fs';
import { allModules } from '../../../src/modules/registry.js';
import { referenceMarkdown } from '../../../src/report/module-doc.js';

test('docs/modules.md is the reference generated from the schemas (run `npm run docs`)', (t) => {
  t.is(readFileSync('docs/modules.md', 'utf8').trimEnd(), referenceMarkdown(allModules()).trimEnd());
});

test('every module documents itself and each of its arguments', (t) => {
  for (const module of allModules()) {
    t.true(module.summary.length > 10, `${module.name} has a summary`);
    for (const [name, spec] of Object.entries(module.args)) {
      t.true(spec.description.length > 5, `${module.name}.${name} has a description`);
    }
  }
});
