/**
 * Shared by the unit tests of the core modules: a HostContext over a
 * FakeConnection, and builders for the output of the file-facts probe.
 */
import { createHash } from 'node:crypto';
import type { FakeConnection } from '../../../src/connection/fake.js';
import type { Step } from '../../../src/modules/types.js';
import { describeSteps, type Expectation } from '../../helpers/module-table.js';

export { RUN, describeSteps, fakeContext, planWith, type CtxOptions } from '../../helpers/module-table.js';

export interface FakeFile {
  kind?: string;
  mode?: number;
  owner?: string;
  group?: string;
  uid?: number;
  gid?: number;
  inode?: number;
  content?: string | Buffer;
  /** sha256 to report when content is not given */
  sum?: string;
  link?: string;
  real?: string;
  withContent?: boolean;
  algorithm?: 'sha1' | 'sha256';
}

export const sha256 = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');
export const sha1 = (b: string | Buffer): string => createHash('sha1').update(b).digest('hex');

/** One section of the file-facts probe's output, for a path that exists. */
export function present(index: number, f: FakeFile = {}): string {
  const content = f.content === undefined ? undefined : Buffer.from(f.content);
  const kind = f.kind ?? 'regular file';
  const lines = [`@@ ${index}`];
  if (f.real) lines.push(`real:${f.real}`);
  lines.push(
    `stat:${kind}|${(f.mode ?? 0o644).toString(8)}|${f.owner ?? 'root'}|${f.group ?? 'root'}|${content?.length ?? 0}|${f.uid ?? 0}|${f.gid ?? 0}|${f.inode ?? 100}|2049|1|1700000000|1700000001|1700000002|2023-11-14 22:13:20.000000000 +0000|2023-11-14 22:13:21.000000000 +0000`,
  );
  if (f.link !== undefined) lines.push(`link:${f.link}`);
  if (kind === 'regular file' && (content || f.sum)) {
    lines.push(`sum:${f.sum ?? (f.algorithm === 'sha1' ? sha1(content as Buffer) : sha256(content as Buffer))}`);
  }
  if (f.withContent && content) lines.push('content:', content.toString('base64'));
  return lines.join('\n');
}

/** A section for a missing path, with the nearest existing directory above it. */
export function absent(index: number, ancestor: string): string {
  return [`@@ ${index}`, 'absent', `ancestor:${ancestor}`].join('\n');
}

/** Answers the file-facts probe (recognised by its section marker) with `sections`. */
export function answerFacts(conn: FakeConnection, ...sections: string[]): FakeConnection {
  return conn.answer('echo @@ 0', { stdout: `${sections.join('\n')}\n` });
}

/** The file-facts probe's answer as case data (see answerFacts). */
export const pathsProbe = (...sections: string[]): [string, string] => ['echo @@ 0', `${sections.join('\n')}\n`];

/** Checks of a plan for `expect.also`, run one after the other. */
export type PlanCheck = NonNullable<Expectation['also']>;
export const checks =
  (...all: PlanCheck[]): PlanCheck =>
  (t, plan, host) => {
    for (const check of all) check(t, plan, host);
  };

/*
 * How a file module keeps its backup is the module kit's business and
 * changes with it: file-module cases assert what is written and that undo
 * restores it, through these two checks, not the backup commands.
 */
const isBackup = (s: Step) => /^back up /.test(s.description);

/** The steps other than the backup, as `describeSteps` shows them. */
export const writes =
  (...expected: string[]): PlanCheck =>
  (t, plan) =>
    t.deepEqual(describeSteps((plan.steps ?? []).filter((s) => !isBackup(s))), expected, 'what the plan writes');

/** The undo puts `path` back as it was (from wherever its backup is kept). */
export const restores =
  (path: string): PlanCheck =>
  (t, plan) =>
    t.true((plan.undo ?? []).some((s) => s.description.startsWith(`restore ${path}`)), `undo restores ${path}: ${(plan.undo ?? []).map((s) => s.description).join('; ')}`);

/** The plan removes `path` (kept wherever the backup scheme keeps it). */
export const removes =
  (path: string): PlanCheck =>
  (t, plan) =>
    t.true((plan.steps ?? []).some((s) => s.description.startsWith(`remove ${path}`)), `removes ${path}: ${(plan.steps ?? []).map((s) => s.description).join('; ')}`);
