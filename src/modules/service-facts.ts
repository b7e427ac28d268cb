/**
 * `service_facts`: the host's systemd services as `ansible_facts.services`,
 * in one round trip. Never changes the host.
 */
import { servicesFact } from '../facts/services.js';
import { addedFacts } from './package-facts.js';
import { defineModule } from './types.js';

export const serviceFactsModule = defineModule<Record<string, never>>({
  name: 'service_facts',
  summary: "Gather the host's services as facts",
  description:
    'Sets `ansible_facts.services`: for each `NAME.service`, `{name, state, status, source: systemd}`, where state is ' +
    '`running` or `stopped` for a loaded unit (else its ActiveState) and status the unit file\'s (enabled, disabled, ' +
    'static, ...) or `not-found`, `masked`, `failed`, as Ansible reports them. A host without systemd as PID 1 gives ' +
    "Ansible's skipped result. Never changes the host.",
  args: {},
  async plan(ctx) {
    const services = await ctx.gather(servicesFact, undefined);
    if (!services || Object.keys(services).length === 0) {
      return { changed: false, result: { skipped: true, msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.' } };
    }
    return { changed: false, facts: addedFacts(ctx, { services }), result: { ansible_facts: { services } } };
  },
});
