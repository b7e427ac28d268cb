import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachedFactVariables, FactCache, factCacheSettings } from '../../../src/engine/fact-cache.js';

test("settings come from Ansible's environment: jsonfile needs a folder; memory or nothing means no cache", (t) => {
  t.is(factCacheSettings({}), undefined);
  t.is(factCacheSettings({ ANSIBLE_CACHE_PLUGIN: 'memory' }), undefined);
  t.deepEqual(factCacheSettings({ ANSIBLE_CACHE_PLUGIN: 'jsonfile', ANSIBLE_CACHE_PLUGIN_CONNECTION: '/c', ANSIBLE_CACHE_PLUGIN_PREFIX: 'prefix_' }), {
    dir: '/c',
    prefix: 'prefix_',
    timeoutSeconds: 86400,
  });
  t.is(factCacheSettings({ ANSIBLE_CACHE_PLUGIN: 'ansible.builtin.jsonfile', ANSIBLE_CACHE_PLUGIN_CONNECTION: '/c' })?.prefix, 'ansible_facts');
  t.throws(() => factCacheSettings({ ANSIBLE_CACHE_PLUGIN: 'jsonfile' }), { message: /ANSIBLE_CACHE_PLUGIN_CONNECTION/ });
  t.throws(() => factCacheSettings({ ANSIBLE_CACHE_PLUGIN: 'redis', ANSIBLE_CACHE_PLUGIN_CONNECTION: 'x' }), { message: /redis/ });
});

test('a host file per host, merged on update, read back by a new cache; flush removes it', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fact-cache-'));
  const cache = new FactCache({ dir, prefix: 'prefix_', timeoutSeconds: 86400 });
  cache.update('h1', { ansible_foobar: 'x' });
  cache.update('h1', { ansible_other: 1 });
  const file = path.join(dir, 'prefix_h1');
  t.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { ansible_foobar: 'x', ansible_other: 1 });
  t.deepEqual(new FactCache({ dir, prefix: 'prefix_', timeoutSeconds: 86400 }).load('h1'), { ansible_foobar: 'x', ansible_other: 1 });
  t.deepEqual(new FactCache({ dir, prefix: 'prefix_', timeoutSeconds: 86400 }).load('h2'), {});
  cache.flush(['h1']);
  t.false(existsSync(file));
  t.deepEqual(cache.load('h1'), {});
});

test('a file older than the timeout, or not JSON, is a miss', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fact-cache-'));
  writeFileSync(path.join(dir, 'ansible_factsold'), '{"ansible_a": 1}');
  const past = new Date(Date.now() - 2 * 86400 * 1000);
  utimesSync(path.join(dir, 'ansible_factsold'), past, past);
  writeFileSync(path.join(dir, 'ansible_factsbad'), 'not json');
  const cache = new FactCache({ dir, prefix: 'ansible_facts', timeoutSeconds: 86400 });
  t.deepEqual(cache.load('old'), {});
  t.deepEqual(cache.load('bad'), {});
  t.deepEqual(new FactCache({ dir, prefix: 'ansible_facts', timeoutSeconds: 0 }).load('old'), { ansible_a: 1 });
});

test('cached facts as variables: the names as they are, and ansible_facts without the prefix', (t) => {
  t.deepEqual(cachedFactVariables({ ansible_foobar: 'x', plain: 1 }), { ansible_foobar: 'x', plain: 1, ansible_facts: { foobar: 'x', plain: 1 } });
});
