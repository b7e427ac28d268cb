import test from 'ava';
import { shellModule, shellLine } from '../../../src/modules/shell.js';
import { inDir } from '../../../src/modules/command-plans.js';
import { moduleTable } from '../../helpers/module-table.js';

const lines: Array<[string, string | undefined, string | undefined, string]> = [
  ['cat /x | wc -l > /y', undefined, undefined, 'cat /x | wc -l > /y'],
  ['ls; exit 3', '/tmp', undefined, `${inDir('', '/tmp')}/bin/sh -c 'ls; exit 3'`],
  ['echo $0', undefined, '/bin/bash', "/bin/bash -c 'echo $0'"],
];
for (const [text, chdir, executable, expected] of lines) {
  test(`shell line: ${text} (chdir ${chdir}, executable ${executable})`, (t) => t.is(shellLine(text, chdir, executable), expected));
}

moduleTable([
  { name: 'an empty line fails as Ansible says it', module: shellModule, args: { cmd: '  ' }, expect: { error: 'no command given', errorResult: { rc: 256 } } },
  {
    name: 'runs the line as it is, opaque, no undo without rollback',
    module: shellModule,
    args: { cmd: 'systemctl daemon-reload && echo ok' },
    expect: { changed: true, opaque: true, steps: ['systemctl daemon-reload && echo ok'], undo: null, reads: 0 },
    idempotence: 'a bare shell line: nothing says what it changed',
  },
  {
    name: 'rollback line, and inline creates; idempotent once the file exists',
    module: shellModule,
    args: { cmd: 'echo x > /etc/x creates=/etc/x', rollback: 'rm -f /etc/x' },
    facts: { 'for f in': 'creates:no\n' },
    expect: {
      changed: true,
      opaque: false,
      steps: ['echo x > /etc/x'],
      undo: ['rm -f /etc/x'],
      also: (t, plan) => t.is(plan.checkMsg, 'Command would have run if not in check mode', "Ansible's check-mode message"),
    },
    after: { 'for f in': 'creates:yes\n' },
  },
  {
    name: 'inline creates that exists: nothing to do',
    module: shellModule,
    args: { cmd: 'echo x > /etc/x creates=/etc/x' },
    facts: { 'for f in': 'creates:yes\n' },
    expect: { changed: false, reads: 1 },
  },
]);
