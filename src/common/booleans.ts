/**
 * Ansible's reading of a boolean (module arguments, keywords, inventory
 * settings): yes/no, true/false, on/off, 1/0, y/n, t/f, any case; a number
 * is true unless 0. Anything else is not a boolean: callers say so in
 * their own words (the module, the task keyword, the inventory variable).
 * The template `bool` filter is deliberately more lenient, as Ansible's is.
 */
const TRUE = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE = new Set(['no', 'off', '0', 'false', 'n', 'f', '']);

export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  const s = String(value).trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return undefined;
}
