import test from 'ava';
import type { RunEvent } from '../../../src/engine/events.js';
import { PlainReporter } from '../../../src/report/plain.js';
import { pythonJson, resultText, wrapText } from '../../../src/report/result-text.js';

/** The lines a plain reporter at this verbosity writes for these events: [stdout, stderr]. */
function plain(verbosity: number, events: RunEvent[]): [string[], string[]] {
  const out: string[] = [];
  const err: string[] = [];
  const reporter = new PlainReporter({ color: false, verbosity, diff: false, write: (s) => out.push(...s.split('\n')), writeError: (s) => err.push(...s.split('\n')) });
  for (const e of events) reporter.handle(e);
  return [out, err];
}

const result = (status: 'ok' | 'changed' | 'failed' | 'skipped', module: string, res: Record<string, unknown>, item?: string): RunEvent => ({
  type: 'host_result',
  task: module,
  module,
  host: 'localhost',
  status,
  ...(item !== undefined ? { item } : {}),
  result: res,
  durationMs: 1,
});

// each case: what ansible-playbook 2.14 printed for the same result
const cases: Array<{ name: string; verbosity: number; event: RunEvent; lines: string[] }> = [
  {
    name: 'a debug message is always shown, indented, without its bookkeeping keys',
    verbosity: 0,
    event: result('ok', 'debug', { msg: 'hello', changed: false, _ansible_verbose_always: true }),
    lines: ['ok: [localhost] => {', '    "msg": "hello"', '}'],
  },
  {
    name: 'a debug item shows only the message, not the loop keys',
    verbosity: 0,
    event: result('ok', 'debug', { msg: { k: 'v' }, item: { k: 'v' }, ansible_loop_var: 'item', changed: false, _ansible_verbose_always: true }, "{'k': 'v'}"),
    lines: ["ok: [localhost] => (item={'k': 'v'}) => {", '    "msg": {', '        "k": "v"', '    }', '}'],
  },
  {
    name: 'a passing assert (not quiet) shows changed and msg at every verbosity',
    verbosity: 0,
    event: result('ok', 'assert', { changed: false, msg: 'All assertions passed', _ansible_verbose_always: true }),
    lines: ['ok: [localhost] => {', '    "changed": false,', '    "msg": "All assertions passed"', '}'],
  },
  {
    name: 'a quiet assert shows nothing without -v',
    verbosity: 0,
    event: result('ok', 'assert', { changed: false, msg: 'All assertions passed' }, 'item_A'),
    lines: ['ok: [localhost] => (item=item_A)'],
  },
  {
    name: 'at -v a result follows on one line, keys sorted, Python separators',
    verbosity: 1,
    event: result('ok', 'set_fact', { changed: false, ansible_facts: { x: 1 } }),
    lines: ['ok: [localhost] => {"ansible_facts": {"x": 1}, "changed": false}'],
  },
  {
    name: 'a failure shows its result without the failed key',
    verbosity: 0,
    event: result('failed', 'fail', { changed: false, msg: 'boom', failed: true }),
    lines: ['fatal: [localhost]: FAILED! => {"changed": false, "msg": "boom"}'],
  },
  {
    name: 'a failed item',
    verbosity: 0,
    event: result('failed', 'fail', { changed: false, msg: 'x a', failed: true, item: 'a', ansible_loop_var: 'item' }, 'a'),
    lines: ['failed: [localhost] (item=a) => {"ansible_loop_var": "item", "changed": false, "item": "a", "msg": "x a"}'],
  },
  {
    name: 'a skipped item keeps the trailing space Ansible prints, and at -v its result after it',
    verbosity: 1,
    event: result('skipped', 'set_fact', { changed: false, skipped: true, skip_reason: 'Conditional result was False', false_condition: "item == 'a'", item: 'b', ansible_loop_var: 'item' }, 'b'),
    lines: ['skipping: [localhost] => (item=b)  => {"ansible_loop_var": "item", "changed": false, "item": "b", "skip_reason": "Conditional result was False"}'],
  },
  {
    name: 'at -vvv results are indented',
    verbosity: 3,
    event: result('ok', 'set_fact', { changed: false, ansible_facts: { x: 1 } }),
    lines: ['ok: [localhost] => {', '    "ansible_facts": {', '        "x": 1', '    },', '    "changed": false', '}'],
  },
];

for (const c of cases) {
  test(`plain: ${c.name}`, (t) => {
    t.deepEqual(plain(c.verbosity, [c.event])[0], c.lines);
  });
}

test('plain: -vv prints the playbook header and each task path, as ansible-playbook does', (t) => {
  const [out] = plain(2, [
    { type: 'run_start', runId: 'r', playbook: '/tmp/x/main.yml', plays: 2, check: false, diff: false, inventory: [] },
    { type: 'play_start', name: 'one', hosts: ['h'], pos: { file: '/tmp/x/main.yml', line: 1 } },
    { type: 'task_start', name: 'Gathering Facts', module: 'setup', handler: false, hosts: ['h'] },
    { type: 'task_start', name: 'say', module: 'debug', handler: false, hosts: ['h'], pos: { file: '/tmp/x/main.yml', line: 5 } },
  ]);
  t.true(out.includes('PLAYBOOK: main.yml *************************************************************'), out.join('\n'));
  t.true(out.some((l) => /^2 plays in .*main\.yml$/.test(l)), out.join('\n'));
  t.deepEqual(out.filter((l) => l.startsWith('task path:')), ['task path: /tmp/x/main.yml:1', 'task path: /tmp/x/main.yml:5']);
  t.false(plain(1, [{ type: 'run_start', runId: 'r', playbook: 'main.yml', plays: 2, check: false, diff: false, inventory: [] }])[0].some((l) => l.includes('plays in')));
});

test('plain: warnings go to stderr, wrapped at 79 columns, each once, without a host', (t) => {
  const msg = 'conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: "{{ foo }}" == "bar"';
  const [out, err] = plain(0, [
    { type: 'warning', host: 'a', msg },
    { type: 'warning', host: 'b', msg },
  ]);
  t.deepEqual(out, []);
  t.deepEqual(err, ['[WARNING]: conditional statements should not include jinja2 templating', 'delimiters such as {{ }} or {% %}. Found: "{{ foo }}" == "bar"']);
});

test('pythonJson: json.dumps with sort_keys, ensure_ascii off', (t) => {
  t.is(pythonJson({ b: [1, 'é'], a: null, c: {} }, null), '{"a": null, "b": [1, "é"], "c": {}}');
  t.is(pythonJson({ b: [], a: true }, 4), '{\n    "a": true,\n    "b": []\n}');
});

test('resultText: internal keys go at any depth, invocation and diff below -vvv', (t) => {
  const res = { changed: true, invocation: { module_args: {} }, diff: [], _ansible_no_log: false, nested: { _ansible_x: 1, y: 2 } };
  t.is(resultText(res, { verbosity: 1 }), '{"changed": true, "nested": {"y": 2}}');
  t.regex(resultText(res, { verbosity: 3 }), /"invocation"/);
});

test('wrapText: as textwrap.wrap', (t) => {
  t.deepEqual(wrapText('a b c', 3), ['a b', 'c']);
  t.deepEqual(wrapText('abcdefg', 3), ['abc', 'def', 'g']);
  t.deepEqual(wrapText('short'), ['short']);
});
