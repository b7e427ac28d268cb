import test from 'ava';
import { moduleTable } from '../../helpers/module-table.js';
import { blockinfileModule } from '../../../src/modules/blockinfile.js';
import { blockInFile, type BlockInFileOptions } from '../../../src/modules/line-edits.js';
import { pathsProbe, present } from './core-modules-harness.js';

const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const E = '# END ANSIBLE MANAGED BLOCK\n';
const base: BlockInFileOptions = { block: '', marker: '# {mark} ANSIBLE MANAGED BLOCK', marker_begin: 'BEGIN', marker_end: 'END', state: 'present' };

type Row = [title: string, before: string, options: Partial<BlockInFileOptions>, after: string, msg: string];

const rows: Row[] = [
  ['appends the block at the end', 'a\n', { block: 'x\ny' }, `a\n${B}x\ny\n${E}`, 'Block inserted'],
  ['adds a newline to a last line without one', 'a', { block: 'x' }, `a\n${B}x\n${E}`, 'Block inserted'],
  ['block already there', `a\n${B}x\n${E}b\n`, { block: 'x' }, `a\n${B}x\n${E}b\n`, ''],
  ['replaces what is between the markers', `a\n${B}old\n${E}b\n`, { block: 'new' }, `a\n${B}new\n${E}b\n`, 'Block inserted'],
  ['state absent removes markers and block', `a\n${B}old\n${E}b\n`, { state: 'absent' }, 'a\nb\n', 'Block removed'],
  ['an empty block removes too', `a\n${B}old\n${E}`, { block: '' }, 'a\n', 'Block removed'],
  ['absent with no block: nothing', 'a', { state: 'absent' }, 'a', ''],
  ['insertbefore BOF', 'a\n', { block: 'x', insertbefore: 'BOF' }, `${B}x\n${E}a\n`, 'Block inserted'],
  ['insertafter the last matching line', 'a\n[s]\nb\n[s]\nc\n', { block: 'x', insertafter: '^\\[s\\]' }, `a\n[s]\nb\n[s]\n${B}x\n${E}c\n`, 'Block inserted'],
  ['insertbefore a regex', 'a\nb\n', { block: 'x', insertbefore: '^b' }, `a\n${B}x\n${E}b\n`, 'Block inserted'],
  ['custom markers', 'a\n', { block: 'x', marker: '// {mark} etcd', marker_begin: 'start', marker_end: 'stop' }, 'a\n// start etcd\nx\n// stop etcd\n', 'Block inserted'],
  ['markers in reverse order are handled', `${E}x\n${B}`, { block: 'y' }, `${B}y\n${E}`, 'Block inserted'],
];

for (const [title, before, options, after, msg] of rows) {
  test(`blockInFile: ${title}`, (t) => {
    const result = blockInFile(before, { ...base, ...options });
    t.is(result.text, after);
    t.is(result.msg, msg);
    t.false(blockInFile(after, { ...base, ...options }).changed, 'idempotent');
  });
}

test('blockInFile: a new file', (t) => {
  t.deepEqual(blockInFile('', { ...base, block: 'x' }, false), { text: `${B}x\n${E}`, changed: true, msg: 'File created' });
});

const HOSTS = '127.0.0.1 localhost\n';
const WITH_BLOCK = `${HOSTS}${B}10.0.0.1 etcd1\n${E}`;

moduleTable([
  {
    name: 'one probe, content diff, idempotent',
    module: blockinfileModule,
    args: { path: '/etc/hosts', block: '10.0.0.1 etcd1' },
    facts: [pathsProbe(present(0, { content: HOSTS, withContent: true }))],
    expect: { changed: true, reads: 1, readsAgain: 1, also: (t, plan) => t.is(plan.diff?.[0]?.after, WITH_BLOCK) },
    after: [pathsProbe(present(0, { content: WITH_BLOCK, withContent: true }))],
  },
]);
