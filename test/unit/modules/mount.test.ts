import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { parseFindmnt } from '../../../src/facts/mounts.js';
import { editFstab, findFstabEntry } from '../../../src/modules/fstab-edit.js';
import { backupStep, restoreStep } from '../../../src/modules/kit/backup.js';
import { mountModule } from '../../../src/modules/mount.js';
import { absent, answerFacts, describeSteps, planWith, present, RUN } from './core-modules-harness.js';

// captured on a lab machine (util-linux 2.38)
const MOUNTED = 'SOURCE="tmpfs" FSTYPE="tmpfs" OPTIONS="rw,relatime,size=1024k,mode=755"\n';
const FSTAB = '# UNCONFIGURED FSTAB FOR BASE SYSTEM\nUUID=abcd / ext4 errors=remount-ro 0 1\n';
const ENTRY = 'tmpfs /srv/etcd-tmp tmpfs size=1m,mode=755 0 0';

test('findmnt -P: fields with \\x escapes; nothing mounted', (t) => {
  t.deepEqual(parseFindmnt(MOUNTED), { source: 'tmpfs', fstype: 'tmpfs', options: 'rw,relatime,size=1024k,mode=755' });
  t.deepEqual(parseFindmnt('SOURCE="/dev/sdb1" FSTYPE="ext4" OPTIONS="rw"\n')?.source, '/dev/sdb1');
  t.is(parseFindmnt('SOURCE="//nas/a\\x20b" FSTYPE="cifs" OPTIONS="rw"')?.source, '//nas/a b');
  t.is(parseFindmnt(''), undefined);
});

const entry = { src: 'tmpfs', path: '/srv/etcd-tmp', fstype: 'tmpfs', opts: 'size=1m,mode=755', dump: '0', passno: '0' };
const edits: Array<[string, string, typeof entry | undefined, string]> = [
  ['appends a new entry', FSTAB, entry, `${FSTAB}${ENTRY}\n`],
  ['replaces a different entry in place', `${FSTAB}tmpfs /srv/etcd-tmp tmpfs defaults 0 0\n# end\n`, entry, `${FSTAB}${ENTRY}\n# end\n`],
  ['keeps an equal entry as written (tabs)', `${FSTAB}tmpfs\t/srv/etcd-tmp\ttmpfs\tsize=1m,mode=755\t0\t0\n`, entry, `${FSTAB}tmpfs\t/srv/etcd-tmp\ttmpfs\tsize=1m,mode=755\t0\t0\n`],
  ['removes the entry', `${FSTAB}${ENTRY}\n`, undefined, FSTAB],
  ['a commented entry is not the entry', `#${ENTRY}\n`, entry, `#${ENTRY}\n${ENTRY}\n`],
  ['spaces are written as \\040', '', { ...entry, path: '/srv/a b' }, 'tmpfs /srv/a\\040b tmpfs size=1m,mode=755 0 0\n'],
];
for (const [title, before, wanted, after] of edits) {
  test(`fstab: ${title}`, (t) => {
    const r = editFstab(before, wanted?.path ?? '/srv/etcd-tmp', wanted);
    t.is(r.text, after);
    t.is(r.changed, before !== after);
  });
}

test('fstab: an entry is read back with its escapes undone', (t) => {
  t.deepEqual(findFstabEntry('tmpfs /srv/a\\040b tmpfs defaults 0 0\n', '/srv/a b'), { src: 'tmpfs', path: '/srv/a b', fstype: 'tmpfs', opts: 'defaults', dump: '0', passno: '0' });
});

/** The module kit's backup and restore of fstab, recognised exactly, by name. */
const kitSteps = new Map(
  describeSteps([backupStep(RUN, ['/etc/fstab']), restoreStep(RUN, ['/etc/fstab'])]).map((command, i) => [command, i === 0 ? 'back up /etc/fstab' : 'restore /etc/fstab']),
);
const label = (s: string) => kitSteps.get(s) ?? s;

const ARGS = { path: '/srv/etcd-tmp', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m,mode=755' };

const cases: Array<{ title: string; args: Record<string, unknown>; fstab: string; mounted: string; mountPoint?: string; steps?: string[]; undo?: string[]; error?: RegExp }> = [
  {
    title: 'mounted: writes fstab, makes the mount point, mounts; undo unmounts, removes the folder, restores fstab',
    args: { ...ARGS, state: 'mounted' }, fstab: FSTAB, mounted: '', mountPoint: absent(0, '/srv'),
    steps: ['back up /etc/fstab', 'put /etc/fstab 644', 'mkdir -p /srv/etcd-tmp', 'mount /srv/etcd-tmp'],
    undo: ['umount /srv/etcd-tmp', 'rmdir /srv/etcd-tmp', 'restore /etc/fstab'],
  },
  {
    title: 'mounted and in fstab: no change',
    args: { ...ARGS, state: 'mounted' }, fstab: `${FSTAB}${ENTRY}\n`, mounted: MOUNTED,
  },
  {
    title: 'mounted with other options in fstab: remount; undo remounts with the live options',
    args: { ...ARGS, opts: 'size=2m', state: 'mounted' }, fstab: `${FSTAB}${ENTRY}\n`, mounted: MOUNTED,
    steps: ['back up /etc/fstab', 'put /etc/fstab 644', 'mount -o remount /srv/etcd-tmp'],
    undo: ['restore /etc/fstab', 'mount -o remount,rw,relatime,size=1024k,mode=755 /srv/etcd-tmp'],
  },
  {
    title: 'present: fstab only, even when not mounted',
    args: { ...ARGS, state: 'present', boot: false }, fstab: FSTAB, mounted: '',
    steps: ['back up /etc/fstab', 'put /etc/fstab 644'], undo: ['restore /etc/fstab'],
  },
  {
    title: 'unmounted: umount; undo mounts the same source, type and options again',
    args: { path: '/srv/etcd-tmp', state: 'unmounted' }, fstab: FSTAB, mounted: MOUNTED,
    steps: ['umount /srv/etcd-tmp'], undo: ['mount -t tmpfs -o rw,relatime,size=1024k,mode=755 tmpfs /srv/etcd-tmp'],
  },
  { title: 'unmounted and not mounted: no change', args: { path: '/srv/etcd-tmp', state: 'unmounted' }, fstab: FSTAB, mounted: '' },
  {
    title: 'absent: umount and remove the entry',
    args: { path: '/srv/etcd-tmp', state: 'absent' }, fstab: `${FSTAB}${ENTRY}\n`, mounted: MOUNTED,
    steps: ['umount /srv/etcd-tmp', 'back up /etc/fstab', 'put /etc/fstab 644'],
    undo: ['restore /etc/fstab', 'mount -t tmpfs -o rw,relatime,size=1024k,mode=755 tmpfs /srv/etcd-tmp'],
  },
  { title: 'absent and gone: no change', args: { path: '/srv/etcd-tmp', state: 'absent' }, fstab: FSTAB, mounted: '' },
  { title: 'remounted: always a change, nothing to undo', args: { path: '/srv/etcd-tmp', state: 'remounted' }, fstab: FSTAB, mounted: MOUNTED, steps: ['mount -o remount /srv/etcd-tmp'], undo: [] },
  { title: 'mounted needs src and fstype', args: { path: '/srv/x', state: 'mounted' }, fstab: FSTAB, mounted: '', error: /src and fstype are required/ },
  { title: 'a relative path is refused', args: { ...ARGS, path: 'srv', state: 'mounted' }, fstab: FSTAB, mounted: '', error: /must be absolute/ },
];

for (const c of cases) {
  test(`mount: ${c.title}`, async (t) => {
    const conn = new FakeConnection().answer(/findmnt/, { stdout: c.mounted });
    // the fstab read comes first, the mount point's second: both are the paths probe
    let reads = 0;
    conn.answer((cmd) => cmd.includes('echo @@ 0') && reads++ === 0, { stdout: `${present(0, { content: c.fstab, withContent: true })}\n` });
    answerFacts(conn, c.mountPoint ?? present(0, { kind: 'directory', mode: 0o755 }));
    if (c.error) return void (await t.throwsAsync(planWith(mountModule, conn, c.args), { message: c.error }));
    const plan = await planWith(mountModule, conn, c.args);
    t.is(plan.changed, c.steps !== undefined);
    t.deepEqual(describeSteps(plan.steps).map(label), c.steps ?? []);
    t.deepEqual(describeSteps(plan.undo).map(label), c.undo ?? []);
    t.false(conn.commands().some((cmd) => /^(u?mount|mkdir) /.test(cmd)), 'planning only reads');
  });
}
