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

export function loadModuleCases(file: URL): ModuleCase[] {
  const cases = parse(readFileSync(file, 'utf8')) as CaseInFile[];
  return cases.map((c) => {
    const module = findModule(c.module);
    if (!module) throw new Error(`${file.pathname}: case '${c.name}' names no module: ${c.module}`);
    const { error, ...expect } = c.expect;
    return { ...c, module, expect: { ...expect, ...(error !== undefined ? { error: errorOf(error) } : {}) } };
  });
}
