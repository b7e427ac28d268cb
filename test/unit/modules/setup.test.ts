import test from 'ava';
import { factFilter, gatherFactsModule, setupModule } from '../../../src/modules/setup.js';
import { moduleTable } from '../../helpers/module-table.js';

const filters: Array<[string[], string, boolean]> = [
  [[], 'hostname', true],
  [['*'], 'kernel', true],
  [['ansible_host*'], 'hostname', true],
  [['ansible_host*'], 'kernel', false],
  [['distribution'], 'distribution', true],
  [['distribution'], 'distribution_version', false],
  [['ansible_distribution_*_version'], 'distribution_major_version', true],
  [['a.b'], 'axb', false],
];

for (const [patterns, name, kept] of filters) {
  test(`setup filter ${patterns.join(',') || '(none)'} ${kept ? 'keeps' : 'drops'} ${name}`, (t) => {
    t.is(factFilter(patterns)(name), kept);
  });
}

moduleTable([
  {
    name: 'the facts probe, parsed and filtered, set as ansible_* variables; nothing changes',
    module: setupModule,
    args: { filter: ['ansible_hostname', 'kernel'] },
    facts: [[/hostname/, 'hostname=n1\nkernel=6.1.0\nos_ID=debian\nos_VERSION_ID=12\n']],
    expect: {
      changed: false,
      also: (t, plan) => {
        t.deepEqual(plan.result, { ansible_facts: { hostname: 'n1', kernel: '6.1.0' } });
        t.like(plan.facts, { ansible_hostname: 'n1', ansible_kernel: '6.1.0' });
        t.is(plan.steps, undefined);
      },
    },
  },
  {
    name: 'gather_facts as a task: the facts of setup, parallel accepted',
    module: gatherFactsModule,
    args: { parallel: true, gather_subset: ['distribution'] },
    facts: [[/hostname/, 'hostname=n1\nkernel=6.1.0\nos_ID=debian\nos_VERSION_ID=12\n']],
    expect: {
      changed: false,
      also: (t, plan) => {
        t.like(plan.facts, { ansible_hostname: 'n1', ansible_distribution_major_version: '12' });
        t.like(plan.result, { ansible_facts: { hostname: 'n1' } });
      },
    },
  },
]);
