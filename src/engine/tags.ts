/** Ansible's tag selection, with the special tags always, never, all, tagged, untagged. */

export function selectedByTags(taskTags: readonly string[], only: readonly string[], skip: readonly string[]): boolean {
  const tags = new Set(taskTags);
  if (skip.some((t) => tags.has(t) || (t === 'tagged' && tags.size > 0) || (t === 'untagged' && tags.size === 0))) return false;
  if (skip.includes('all') && !tags.has('always')) return false;
  if (only.length === 0 || only.includes('all')) return !tags.has('never') || tags.has('always');
  if (tags.has('always')) return true;
  if (only.includes('tagged') && tags.size > 0 && !tags.has('never')) return true;
  if (only.includes('untagged') && tags.size === 0) return true;
  return only.some((t) => tags.has(t));
}
