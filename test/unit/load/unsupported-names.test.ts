/**
 * A name Ansible knows but ezplay does not support is said to be so, at
 * load, with its file and line; did-you-mean is kept for real typos. Loops
 * and async values written out are judged at load too.
 */
import test from 'ava';
import path from 'node:path';
import { LoadError } from '../../../src/errors.js';
import { loadPlaybook } from '../../../src/load/playbook.js';
import { validatePlaybook } from '../../../src/engine/validate.js';
import { project } from '../../helpers/run-local.js';

function loadError(play: string): LoadError | undefined {
  const dir = project({ 'play.yml': play });
  try {
    validatePlaybook(loadPlaybook(path.join(dir, 'play.yml')));
  } catch (error) {
    if (error instanceof LoadError) return error;
    throw error;
  }
  return undefined;
}

const task = (body: string) => `- hosts: all\n  tasks:\n    - ${body}\n`;

const cases: Array<[written: string, play: string, message: RegExp]> = [
  ['a module of another collection', task('community.crypto.openssl_privatekey: {path: /k}'), /^'community\.crypto\.openssl_privatekey' is a module of the community\.crypto collection, which ezplay does not ship$/],
  ['a short module name of ansible.posix', task('acl: {path: /a, entity: u, etype: user, permissions: r}'), /^'acl' is a module of the ansible\.posix collection, which ezplay does not ship$/],
  ['a builtin module not supported', task('git: {repo: r, dest: d}'), /^'git' is an ansible\.builtin module that ezplay does not support yet$/],
  ['an unknown collection', task('acme.tools.frob: {x: 1}'), /^'acme\.tools\.frob' is a module of the acme\.tools collection, which ezplay does not ship$/],
  ['a lookup loop not supported', task('debug: msg=x\n      with_password: /tmp/p'), /'with_password' loops over the password lookup of ansible\.builtin/],
  ['a lookup loop of a collection', task('debug: msg=x\n      with_dig: example.com'), /'with_dig' loops over the dig lookup of community\.general/],
  ['a play keyword not supported', '- hosts: all\n  fact_path: /x\n  tasks: []\n', /^'fact_path' is an Ansible play keyword that ezplay does not support yet$/],
  ['a typo of a keyword', task('debug: msg=x\n      whne: true'), /'whne' is not a valid task keyword or a known module \(did you mean 'when'\?\)/],
  ['a typo of a module', task('copyy: {src: a, dest: b}'), /did you mean 'copy'/],
  ['a typo of a play keyword', '- hosts: all\n  taks: []\n', /'taks' is not a valid attribute for a play \(did you mean 'ta(?:g|sk)s'\?\)/],
  ['no suggestion far from every name', task('frobnicate_the_world: {}'), /^'frobnicate_the_world' is not a valid task keyword or a known module$/],
];

for (const [written, play, message] of cases) {
  test(`load: ${written}`, (t) => {
    const error = loadError(play);
    t.truthy(error, 'refused at load');
    t.regex(error!.message, message);
    t.regex(String(error!.pos?.file), /play\.yml$/);
    t.true((error!.pos?.line ?? 0) >= 2);
  });
}

const refusedAtLoad: Array<[written: string, play: string, message: RegExp]> = [
  ['a sequence counting backwards without a negative stride', task('debug: msg={{ item }}\n      with_sequence: start=5 end=1'), /to count backwards make stride negative/],
  ['with_together over no list', task('debug: msg={{ item }}\n      with_together: []'), /with_together requires at least one element in each list/],
  ['with_subelements without a key', task('debug: msg={{ item }}\n      with_subelements: [[{a: [1]}]]'), /subelements lookup expects a list of two or three items/],
  ['async that is not a number', task('command: sleep 1\n      async: soon'), /async must be a number of seconds, got 'soon'/],
  ['package with an argument none of apt, dnf and yum takes', task('package: {name: x, enablerepo: epel}'), /package: unsupported argument 'enablerepo'/],
  ['async_status with an unknown argument', task('async_status: {jid: "1", wait: true}'), /async_status: unsupported argument 'wait'/],
];

for (const [written, play, message] of refusedAtLoad) {
  test(`refused at load: ${written}`, (t) => {
    const error = loadError(play);
    t.truthy(error, 'refused at load');
    t.regex(error!.message, message);
    t.regex(String(error!.pos?.file), /play\.yml$/);
  });
}

test("package takes apt's and dnf's own arguments at load, as Ansible passes them through", (t) => {
  t.is(loadError(task('package: {name: x, update_cache: "{{ true }}", cache_valid_time: 3600, install_recommends: false, purge: true}')), undefined);
});

test('a templated loop is left for the run to judge', (t) => {
  t.is(loadError(task('debug: msg={{ item }}\n      with_sequence: start={{ n }} end=1')), undefined);
});

const badSequence = 'debug: msg={{ item }}\n      with_sequence: start=0 junk=3';
const inBlock = (keywords: string, section = 'block') =>
  `- hosts: all\n  tasks:\n    - ${section === 'block' ? '' : 'block: [{debug: msg=x}]\n      '}${section}:\n        - ${badSequence.replace('\n      ', '\n          ')}\n${keywords}`;

const expectingFailure: Array<[written: string, play: string]> = [
  ['ignore_errors: true', task(`${badSequence}\n      ignore_errors: true`)],
  ['ignore_errors: yes', task(`${badSequence}\n      ignore_errors: yes`)],
  ['a failed_when', task(`${badSequence}\n      failed_when: false`)],
  ['inside a block with a rescue', inBlock('      rescue: [{debug: msg=rescued}]\n')],
  ['inside an inner block of a block with a rescue', `- hosts: all\n  tasks:\n    - block:\n        - block:\n            - ${badSequence.replace('\n      ', '\n              ')}\n      rescue: [{debug: msg=rescued}]\n`],
  ['an unknown argument with ignore_errors', task('copy: {dest: /tmp/x, content: x, colour: blue}\n      ignore_errors: true')],
  ['async that is not a number, under a block with a rescue', `- hosts: all\n  tasks:\n    - block:\n        - command: sleep 1\n          async: soon\n      rescue: [{debug: msg=rescued}]\n`],
];

for (const [written, play] of expectingFailure) {
  test(`left for the run, the task expecting to fail: ${written}`, (t) => {
    t.is(loadError(play), undefined);
  });
}

const stillRefused: Array<[written: string, play: string, message: RegExp]> = [
  ['without any of them', task(badSequence), /unrecognized arguments to with_sequence: \['junk'\]/],
  ['ignore_errors false', task(`${badSequence}\n      ignore_errors: false`), /unrecognized arguments/],
  ['a templated ignore_errors', task(`${badSequence}\n      ignore_errors: "{{ lenient }}"`), /unrecognized arguments/],
  ['in the rescue section itself', inBlock('', 'rescue'), /unrecognized arguments/],
  ['in always, beside a rescue', `${inBlock('', 'always')}      rescue: [{debug: msg=x}]\n`, /unrecognized arguments/],
  ['an unknown module, which Ansible refuses at load too', task('copyy: {dest: /tmp/x}\n      ignore_errors: true'), /'copyy' is not a valid task keyword or a known module/],
  ['an unknown meta action', task('meta: frobnicate\n      ignore_errors: true'), /meta: unknown action 'frobnicate'/],
];

for (const [written, play, message] of stillRefused) {
  test(`still refused at load: ${written}`, (t) => {
    const error = loadError(play);
    t.truthy(error, 'refused at load');
    t.regex(error!.message, message);
    t.regex(String(error!.pos?.file), /play\.yml$/);
  });
}

test('a block\'s ignore_errors reaches its tasks: they expect to fail too', (t) => {
  t.is(loadError(`- hosts: all\n  tasks:\n    - block:\n        - ${badSequence.replace('\n      ', '\n          ')}\n      ignore_errors: true\n`), undefined);
});
