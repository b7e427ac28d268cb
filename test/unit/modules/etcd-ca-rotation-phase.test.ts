import test from 'ava';
import { detectRotationPhase, type ControllerCas, type MemberCas } from '../../../src/modules/etcd/ca-rotation-phase.js';

// fingerprints: O the old CA, N the new one
const m = (trusted: string[], issuer: string, loaded = true): MemberCas => ({ trusted, issuer, trust_loaded: loaded });
const all = (member: MemberCas, second = member, third = member) => ({ m1: member, m2: second, m3: third });
const ctl = (trusted: string[], newCa: string | null, client: string, memberCerts = client): ControllerCas => ({
  trusted,
  new_ca: newCa,
  issuers: { 'client.pem': client, 'etcd-m1.pem': memberCerts },
});

const cases: Array<{ title: string; controller: ControllerCas; members: Record<string, MemberCas>; phase: string; says?: RegExp }> = [
  { title: 'one CA everywhere: at rest', controller: ctl(['O'], null, 'O'), members: all(m(['O'], 'O')), phase: 'at-rest' },
  { title: 'new CA made, ca.pem not yet the bundle', controller: ctl(['O'], 'N', 'O'), members: all(m(['O'], 'O')), phase: 'new-ca' },
  { title: 'bundle on the controller, no member trusts it yet', controller: ctl(['O', 'N'], 'N', 'O'), members: all(m(['O'], 'O')), phase: 'trust-both', says: /m1, m2, m3/ },
  {
    title: 'interrupted in the rolling restart: one member has the bundle but has not restarted',
    controller: ctl(['O', 'N'], 'N', 'O'),
    members: all(m(['O', 'N'], 'O'), m(['O', 'N'], 'O', false), m(['O'], 'O')),
    phase: 'trust-both',
    says: /m2, m3/,
  },
  { title: 'every member trusts both: reissue', controller: ctl(['O', 'N'], 'N', 'O'), members: all(m(['O', 'N'], 'O')), phase: 'reissue' },
  {
    title: 'interrupted in the reissue: one member still on an old certificate',
    controller: ctl(['O', 'N'], 'N', 'N'),
    members: all(m(['O', 'N'], 'N'), m(['O', 'N'], 'O'), m(['O', 'N'], 'N')),
    phase: 'reissue',
    says: /m2/,
  },
  { title: 'the client certificate alone still old: reissue', controller: ctl(['O', 'N'], 'N', 'O', 'N'), members: all(m(['O', 'N'], 'N')), phase: 'reissue', says: /client\.pem/ },
  { title: 'everything from the new CA: trust only the new one', controller: ctl(['O', 'N'], 'N', 'N'), members: all(m(['O', 'N'], 'N')), phase: 'trust-new' },
  {
    title: 'controller switched, members still trust both',
    controller: ctl(['N'], null, 'N'),
    members: all(m(['N'], 'N'), m(['O', 'N'], 'N'), m(['O', 'N'], 'N')),
    phase: 'trust-new',
    says: /m2, m3/,
  },
  { title: 'controller switched, a member has the new ca.pem but not restarted', controller: ctl(['N'], null, 'N'), members: all(m(['N'], 'N'), m(['N'], 'N', false)), phase: 'trust-new' },
  { title: 'finished: at rest on the new CA', controller: ctl(['N'], null, 'N'), members: all(m(['N'], 'N')), phase: 'at-rest' },
  { title: 'a member that trusts none of it starts a new rotation', controller: ctl(['N'], null, 'N'), members: all(m(['N'], 'N'), m(['X'], 'X')), phase: 'new-ca', says: /no state/ },
];

for (const c of cases) {
  test(`rotation phase: ${c.title}`, (t) => {
    const v = detectRotationPhase(c.controller, c.members);
    t.is(v.phase as string, c.phase, v.reason);
    if (c.says) t.regex(v.reason, c.says);
  });
}
