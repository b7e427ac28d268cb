import test from 'ava';
import { validateArgs } from '../../../src/modules/args.js';
import { parseItemized, describeChange, rsyncArgv, synchronizeModule, whereRsyncRuns, type SynchronizeArgs } from '../../../src/modules/synchronize.js';
import { moduleTable } from '../../helpers/module-table.js';

const argsOf = (given: Record<string, unknown>) => validateArgs('synchronize', synchronizeModule.args, given) as unknown as SynchronizeArgs;
const SSH = "--rsh=ssh -S none -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null";
const OUT = '--out-format=<<CHANGED>>%i %n%L';

// rsync 3.2.7 --dry-run with the module's --out-format, captured on Debian 12
const DRY = '<<CHANGED>>*deleting   gone\n<<CHANGED>>>f+++++++++ a\n<<CHANGED>>cd+++++++++ sub/\n<<CHANGED>>>f+++++++++ sub/b\n<<CHANGED>>.f..t...... c\n<<CHANGED>>>f.st...... d\n';

test('itemized changes: deletions, new files and folders, attributes, updates', (t) => {
  t.deepEqual(parseItemized(`sending incremental file list\n${DRY}\nsent 100 bytes\n`).map(describeChange), [
    'delete gone',
    'create file a',
    'create folder sub/',
    'create file sub/b',
    'set attributes of file c',
    'update file d',
  ]);
  t.deepEqual(parseItemized('sent 20 bytes  received 12 bytes\n'), []);
});

const argv: Array<{ title: string; args: Record<string, unknown>; remote?: Parameters<typeof rsyncArgv>[3]; want: string[] }> = [
  {
    title: 'push to the host over ssh, as Ansible builds it',
    args: { src: '/srv/a/', dest: '/opt/a' },
    remote: { address: '10.0.0.5', user: 'admin', port: 2222, key: '/k/id' },
    want: ['rsync', '--delay-updates', '-F', '--compress', '--archive', "--rsh=ssh -S none -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -i /k/id -p 2222", OUT, '/srv/a/', 'admin@10.0.0.5:/opt/a'],
  },
  {
    title: 'pull, with become on the far side and delete',
    args: { src: '/var/cache/x', dest: '/tmp/x', mode: 'pull', delete: true },
    remote: { address: 'node1', rsyncPath: 'sudo rsync' },
    want: ['rsync', '--delay-updates', '-F', '--compress', '--delete-after', '--archive', SSH, '--rsync-path=sudo rsync', OUT, 'node1:/var/cache/x', '/tmp/x'],
  },
  {
    title: "kubespray's local copy: archive without owner and group, no compression",
    args: { src: '/tmp/releases/yq', dest: '/usr/local/bin/yq', compress: false, perms: true, owner: false, group: false },
    want: ['rsync', '--delay-updates', '-F', '--archive', '--no-owner', '--no-group', OUT, '/tmp/releases/yq', '/usr/local/bin/yq'],
  },
  {
    title: 'no archive: only what is asked; checksum, options and an IPv6 host',
    args: { src: 'a', dest: 'b', archive: false, recursive: true, times: true, checksum: true, rsync_opts: ['--exclude=.git'], delay_updates: false },
    remote: { address: 'fd00::5' },
    want: ['rsync', '-F', '--compress', '--checksum', '--recursive', '--times', SSH, '--exclude=.git', OUT, 'a', '[fd00::5]:b'],
  },
];
for (const c of argv) {
  test(`rsync argv: ${c.title}`, (t) => t.deepEqual(rsyncArgv(argsOf(c.args), String(c.args.src), String(c.args.dest), c.remote, false), c.want));
}

test('where rsync runs: the controller, the host alone, or a delegate', (t) => {
  const args = argsOf({ src: 'a', dest: 'b' });
  const vars = { ansible_host: '10.0.0.5', ansible_user: 'admin', ansible_port: 22 };
  t.deepEqual(whereRsyncRuns({ host: 'n1', vars, become: undefined }, args), { side: 'controller', remote: { address: '10.0.0.5', user: 'admin', port: 22 } });
  t.deepEqual(whereRsyncRuns({ host: 'n1', vars, become: undefined, delegatedTo: 'n1' }, args), { side: 'host', remote: undefined });
  t.deepEqual(whereRsyncRuns({ host: 'n1', vars, become: undefined, local: true }, args), { side: 'host', remote: undefined });
  t.like(whereRsyncRuns({ host: 'n1', vars, become: { user: 'root' }, delegatedTo: 'n2' }, args), { side: 'host', remote: { address: '10.0.0.5', rsyncPath: 'sudo rsync' } });
});

const LOCAL_RUN = "rsync --delay-updates -F --compress --archive '--out-format=<<CHANGED>>%i %n%L' /src/ /dest";
// the paths probe (stat) of /dest: a folder, or missing
const DEST_DIR = '@@ 0\nstat:directory|755|root|root|4096|0|0|2|2049|2|1700000000|1700000000|1700000000|x|y\n';
const DEST_MISSING = '@@ 0\nabsent\nancestor:/\n';
moduleTable([
  {
    name: 'delegated to the host itself: the dry run plans; the folder is backed up, then rsync copies; undo restores it',
    module: synchronizeModule,
    args: { src: '/src/', dest: '/dest' },
    context: { delegatedTo: 'node1' },
    facts: { '--dry-run': '<<CHANGED>>>f+++++++++ a\n', 'p=/dest': DEST_DIR },
    stepOutputs: { 'rsync --delay-updates': '<<CHANGED>>>f+++++++++ a\n' },
    expect: {
      changed: true,
      descriptions: ['back up /dest', 'rsync /src/ -> /dest'],
      undoDescriptions: ["restore /dest from the run's backups"],
      diff: ['push /src/ -> /dest:  -> create file a'],
      registered: { stdout_lines: ['>f+++++++++ a'] },
      also: (t, plan) => {
        t.deepEqual(plan.writes, ['/dest']);
        t.is(plan.steps?.[1]?.kind === 'exec' && plan.steps[1].command, LOCAL_RUN);
      },
    },
    after: { '--dry-run': '' },
  },
  {
    name: 'a new destination folder: undo removes it',
    module: synchronizeModule,
    args: { src: '/src/', dest: '/dest/' },
    context: { delegatedTo: 'node1' },
    facts: { '--dry-run': '<<CHANGED>>cd+++++++++ ./\n<<CHANGED>>>f+++++++++ a\n', 'p=/dest': DEST_MISSING },
    expect: { changed: true, descriptions: ['rsync /src/ -> /dest/'], undo: ['rm -rf -- /dest'] },
    after: { '--dry-run': '' },
  },
  {
    name: 'pull to the controller: the destination is not on the host, it cannot be undone',
    module: synchronizeModule,
    args: { src: '/var/cache/x', dest: '/tmp/x', mode: 'pull' },
    vars: { ansible_host: '10.0.0.5' },
    context: { delegatedTo: 'other' },
    facts: { '--dry-run': '<<CHANGED>>>f+++++++++ x\n' },
    expect: { changed: true, undo: null, reads: 1 },
    after: { '--dry-run': '' },
  },
  {
    name: 'in sync: nothing to do',
    module: synchronizeModule,
    args: { src: '/src/', dest: '/dest' },
    context: { delegatedTo: 'node1' },
    facts: { '--dry-run': 'sending incremental file list\n' },
    expect: { changed: false, reads: 1 },
  },
  {
    name: "a failed dry run fails the task with rsync's words",
    module: synchronizeModule,
    args: { src: '/nope/', dest: '/dest' },
    context: { delegatedTo: 'node1' },
    facts: { '--dry-run': { rc: 23, stderr: 'rsync: change_dir "/nope" failed: No such file or directory (2)\n' } },
    expect: { error: /rsync --dry-run failed \(rc 23\): rsync: change_dir/ },
  },
]);
