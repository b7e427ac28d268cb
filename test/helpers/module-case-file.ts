/**
 * Module cases written as YAML (test/unit/modules/cases/NAME.yaml): the same
 * fields as a ModuleCase, with the module named as a playbook names it and
 * expected errors written `/regular expression/`. Only what data can say
 * fits here; cases that need a function (a clock, a model) stay in .ts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { findModule } from '../../src/modules/registry.js';
import type { Expectation, ModuleCase } from './module-case.js';

interface CaseInFile extends Omit<ModuleCase, 'module' | 'expect'> {
  module: string;
  expect: Omit<Expectation, 'error'> & { error?: string };
}

/** `/text/flags` is a regular expression; anything else an exact message. */
function errorOf(text: string | undefined): string | RegExp | undefined {
  const re = text === undefined ? null : /^\/(.*)\/([a-z]*)$/s.exec(text);
  return re ? new RegExp(re[1] ?? '', re[2]) : text;
}

// what a case in a file may say: a misspelt key would otherwise check nothing
const CASE_KEYS = new Set(['name', 'module', 'host', 'args', 'vars', 'facts', 'files', 'expect', 'after', 'stepOutputs', 'idempotence', 'undoReplay', 'notApplied']);
const EXPECT_KEYS = new Set([
  'changed', 'error', 'diff', 'steps', 'descriptions', 'undo', 'undoDescriptions', 'cleanup', 'opaque', 'msg', 'result', 'registered',
  'reads', 'readCommands', 'readsAgain', 'warnings', 'warningCount', 'errorResult',
]);

function unknownKeys(value: object, known: Set<string>): string[] {
  return Object.keys(value).filter((k) => !known.has(k));
}

export function loadModuleCases(file: URL): ModuleCase[] {
  const cases = parse(readFileSync(file, 'utf8')) as CaseInFile[];
  return cases.map((c) => {
    const module = findModule(c.module);
    if (!module) throw new Error(`${file.pathname}: case '${c.name}' names no module: ${c.module}`);
    const unknown = [...unknownKeys(c, CASE_KEYS), ...unknownKeys(c.expect ?? {}, EXPECT_KEYS).map((k) => `expect.${k}`)];
    if (unknown.length) throw new Error(`${file.pathname}: case '${c.name}' says what no case may: ${unknown.join(', ')}`);
    const { error, ...expect } = c.expect;
    return { ...c, module, expect: { ...expect, ...(error !== undefined ? { error: errorOf(error) } : {}) } };
  });
}
