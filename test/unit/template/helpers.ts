import type { ExecutionContext } from 'ava';
import { Templar } from '../../../src/template/index.js';

export const templar = new Templar();

/** Variables shaped like an etcd play's: inventory, hostvars, registered results. */
export const VARS: Record<string, unknown> = {
  inventory_hostname: 'etcd1',
  groups: { etcd: ['etcd1', 'etcd2', 'etcd3'], all: ['etcd1', 'etcd2', 'etcd3', 'lb'] },
  hostvars: {
    etcd1: { ansible_host: '10.0.0.1', NODE_NAME: 'etcd-1' },
    etcd2: { ansible_host: '10.0.0.2' },
    etcd3: {},
  },
  TMP_NODES: 'etcd1=https://10.0.0.1:2380,etcd2=https://10.0.0.2:2380,',
  ETCD_VER: 'v3.5.9',
  name: 'etcd',
  port: 2379,
  ratio: 2.5,
  enabled: true,
  disabled: false,
  nothing: null,
  empty_list: [],
  empty_dict: {},
  empty_string: '',
  words: ['b', 'a', 'C', 'a'],
  numbers: [3, 1, 2],
  users: [
    { name: 'alice', uid: 1001, shell: '/bin/bash', groups: ['wheel'] },
    { name: 'bob', uid: 1000, shell: '/bin/sh', groups: [] },
    { name: 'carol', uid: 1002 },
  ],
  conf: { listen: '0.0.0.0', tls: { enabled: true, ca: '/etc/ca.pem' } },
  result_ok: { rc: 0, changed: false, stdout: 'v3.5.9\n', stdout_lines: ['v3.5.9'] },
  result_changed: { rc: 0, changed: true },
  result_failed: { rc: 1, failed: true, changed: false },
  result_skipped: { skipped: true, changed: false },
  result_loop: { results: [{ changed: false }, { changed: true }] },
};

/** Renders `template` to a string and compares. */
export function renders(t: ExecutionContext, template: string, expected: string, vars: Record<string, unknown> = VARS): void {
  t.is(templar.render(template, vars), expected, template);
}

/** Evaluates a single expression natively and compares deeply. */
export function yields(t: ExecutionContext, template: string, expected: unknown, vars: Record<string, unknown> = VARS): void {
  t.deepEqual(templar.renderValue(template, vars), expected, template);
}
