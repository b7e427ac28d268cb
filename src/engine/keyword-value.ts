/**
 * A task keyword's value for one host: rendered, and when it renders to
 * `omit`, the value inherited from the block, role or play, else none at
 * all (undefined), as Ansible treats an omitted keyword.
 */
import { OmittableKeyword } from '../load/model.js';
import { OMIT } from '../template/index.js';

export function renderKeyword(value: unknown, render: (v: unknown) => unknown): unknown {
  if (value === undefined) return undefined;
  if (value instanceof OmittableKeyword) {
    const own = render(value.value);
    return own === OMIT ? renderKeyword(value.inherited, render) : own;
  }
  const rendered = render(value);
  return rendered === OMIT ? undefined : rendered;
}
