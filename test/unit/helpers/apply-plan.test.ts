/**
 * The module tests' way of applying a plan must do what the engine does with
 * each kind of step: a `fetch` copies the host's file to the controller.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalConnection } from '../../../src/connection/local.js';
import type { Step } from '../../../src/modules/types.js';
import { runSteps } from '../../helpers/apply-plan.js';

test('runSteps: exec, put and fetch each do what the engine does', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-apply-plan-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'on-host'), 'the host file\n');
  const steps: Step[] = [
    { kind: 'exec', command: `echo made > ${path.join(dir, 'made')}`, description: 'make a file' },
    { kind: 'put', dest: path.join(dir, 'put'), content: { text: 'put\n' }, mode: 0o640, description: 'put a file' },
    { kind: 'fetch', src: path.join(dir, 'on-host'), dest: path.join(dir, 'fetched', 'copy'), description: 'fetch a file' },
  ];
  const outputs = await runSteps(new LocalConnection('h1'), steps);
  t.is(outputs.length, 3);
  t.is(readFileSync(path.join(dir, 'made'), 'utf8'), 'made\n');
  t.is(statSync(path.join(dir, 'put')).mode & 0o777, 0o640);
  t.is(readFileSync(path.join(dir, 'fetched', 'copy'), 'utf8'), 'the host file\n');
  t.is(statSync(path.join(dir, 'fetched', 'copy')).mode & 0o777, 0o600, 'fetched files default to 0600');
  await t.throwsAsync(runSteps(new LocalConnection('h1'), [{ kind: 'fetch', src: path.join(dir, 'absent'), dest: path.join(dir, 'x'), description: 'fetch a missing file' }]), {
    message: /does not exist on the host/,
  });
});
