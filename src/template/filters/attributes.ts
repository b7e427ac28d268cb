/** Reads `attribute='a.b'` arguments the way Jinja's attribute getter does. */
import { memberLookup } from '../runtime.js';

export function getAttribute(item: unknown, attribute: unknown): unknown {
  if (typeof attribute === 'number') return memberLookup(item, attribute);
  let value = item;
  for (const part of String(attribute).split('.')) {
    value = memberLookup(value, /^-?\d+$/.test(part) && Array.isArray(value) ? Number(part) : part);
  }
  return value;
}

/** A key function for `attribute=` (comma-separated names compare as a tuple). */
export function attributeKey(attribute: unknown): (item: unknown) => unknown {
  if (attribute === null || attribute === undefined) return (item) => item;
  const names = typeof attribute === 'string' && attribute.includes(',') ? attribute.split(',').map((s) => s.trim()) : [attribute];
  if (names.length === 1) return (item) => getAttribute(item, names[0]);
  return (item) => names.map((name) => getAttribute(item, name));
}
