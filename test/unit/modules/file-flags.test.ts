import test from 'ava';
import { parseLsattr } from '../../../src/facts/file-flags.js';
import { fileModule } from '../../../src/modules/file.js';
import { flagChange } from '../../../src/modules/kit/flags.js';
import { moduleTable } from '../../helpers/module-table.js';
import { absent, present } from './core-modules-harness.js';

test('lsattr: the set flags of its first field', (t) => {
  // captured on Debian 12 (ext4): an immutable file, then a plain one
  t.is(parseLsattr('----i---------e------- /var/lib/kubelet/x\n'), 'ie');
  t.is(parseLsattr('--------------e------- /etc/hosts\n'), 'e');
  t.is(parseLsattr(''), '');
});

const flagCases: Array<[string, string, string, string[], string[]]> = [
  ['-i removes the immutable flag; undo adds it back', 'ie', '-i', ['chattr -i -- /f'], ['chattr +i -- /f']],
  ['-i on a file without it: nothing', 'e', '-i', [], []],
  ['+ia adds what is missing only', 'ie', '+ia', ['chattr +a -- /f'], ['chattr -a -- /f']],
  ['=a sets exactly a, leaving the read-only e alone', 'ie', '=a', ['chattr +a -i -- /f'], ['chattr +i -a -- /f']],
  ['a bare letter set is =', 'e', 'i', ['chattr +i -- /f'], ['chattr -i -- /f']],
];
for (const [title, current, wanted, steps, undo] of flagCases) {
  test(`file flags: ${title}`, (t) => {
    const change = flagChange('/f', current, wanted);
    t.deepEqual(change.steps.map((s) => (s.kind === 'exec' ? s.command : '')), steps);
    t.deepEqual(change.undo.map((s) => (s.kind === 'exec' ? s.command : '')), undo);
  });
}

test('file flags: anything but letters is refused', (t) => {
  t.throws(() => flagChange('/f', '', '-i;x'), { message: /not a set of file flags/ });
});

const TOUCH = 'touch sets the times to now each time, as Ansible does';

moduleTable([
  {
    name: "file touch with attributes=-i (kubespray's reset): the flag goes first, undo sets it back last",
    module: fileModule,
    args: { path: '/var/lib/kubelet/x', state: 'touch', attributes: '-i', mode: '0644' },
    facts: { 'echo @@ 0': `${present(0, { content: 'x' })}\n`, 'lsattr -d': '----i---------e------- /var/lib/kubelet/x\n' },
    expect: {
      changed: true,
      steps: ['chattr -i -- /var/lib/kubelet/x', 'touch -c -- /var/lib/kubelet/x'],
      undo: [
        "touch -c -m -d '2023-11-14 22:13:21.000000000 +0000' -- /var/lib/kubelet/x && touch -c -a -d '2023-11-14 22:13:20.000000000 +0000' -- /var/lib/kubelet/x",
        'chattr +i -- /var/lib/kubelet/x',
      ],
      diff: ['/var/lib/kubelet/x: mtime 2023-11-14 22:13:21.000000000 +0000 -> mtime now', '/var/lib/kubelet/x flags: ie -> e'],
    },
    idempotence: TOUCH,
  },
  {
    name: 'file touch of a new file with attributes=+i: the flag is set after the file is made, and taken off before undo removes it',
    module: fileModule,
    args: { path: '/etc/x', state: 'touch', attributes: '+i' },
    facts: { 'echo @@ 0': `${absent(0, '/etc')}\n` },
    expect: { changed: true, steps: ['touch -- /etc/x', 'chattr +i -- /etc/x'], undo: ['chattr -i -- /etc/x', 'rm -f -- /etc/x'], reads: 1 },
    idempotence: TOUCH,
  },
  {
    name: 'file: attributes already as asked, nothing to do',
    module: fileModule,
    args: { path: '/etc/x', attributes: '-i' },
    facts: { 'echo @@ 0': `${present(0, { content: 'x' })}\n`, 'lsattr -d': '--------------e------- /etc/x\n' },
    expect: { changed: false },
  },
]);
