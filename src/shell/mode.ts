/** Permission bits as Ansible prints them and chmod reads them: four octal digits (`0644`, `4755`). */
export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
