import test from 'ava';
import { parseRhsmIdentity, parseRhsmRepos } from '../../../src/facts/rhsm.js';
import { redhatSubscriptionModule, repoPattern, rhsmRepositoryModule, syspurposeContent } from '../../../src/modules/rhsm.js';
import { moduleTable } from '../../helpers/module-table.js';

// subscription-manager 1.28 (RHEL 8) `repos --list`, trimmed to three repositories
const REPOS = `+----------------------------------------------------------+
    Available Repositories in /etc/yum.repos.d/redhat.repo
+----------------------------------------------------------+
Repo ID:   rhel-8-for-x86_64-baseos-rpms
Repo Name: Red Hat Enterprise Linux 8 for x86_64 - BaseOS (RPMs)
Repo URL:  https://cdn.redhat.com/content/dist/rhel8/$releasever/x86_64/baseos/os
Enabled:   1

Repo ID:   rhel-8-for-x86_64-appstream-rpms
Repo Name: Red Hat Enterprise Linux 8 for x86_64 - AppStream (RPMs)
Repo URL:  https://cdn.redhat.com/content/dist/rhel8/$releasever/x86_64/appstream/os
Enabled:   0

Repo ID:   codeready-builder-for-rhel-8-x86_64-rpms
Repo Name: Red Hat CodeReady Linux Builder for RHEL 8 x86_64 (RPMs)
Repo URL:  https://cdn.redhat.com/content/dist/rhel8/$releasever/x86_64/codeready-builder/os
Enabled:   1
`;
const REGISTERED = 'system identity: 5a3b2c1d-0000-4e5f-9a8b-123456789abc\nname: node1\norg name: 1234567\norg ID: 1234567\n';
const UNREGISTERED = { rc: 1, stderr: 'This system is not yet registered. Try \'subscription-manager register --help\' for more information.\n' };

test('repos --list: every repository with its state', (t) => {
  t.deepEqual(parseRhsmRepos(REPOS).map((r) => `${r.id}=${r.enabled}`), ['rhel-8-for-x86_64-baseos-rpms=true', 'rhel-8-for-x86_64-appstream-rpms=false', 'codeready-builder-for-rhel-8-x86_64-rpms=true']);
});

test('identity: registered with its id, or not', (t) => {
  t.deepEqual(parseRhsmIdentity({ stdout: REGISTERED, stderr: '', rc: 0 }), { registered: true, identity: '5a3b2c1d-0000-4e5f-9a8b-123456789abc' });
  t.deepEqual(parseRhsmIdentity({ stdout: '', ...UNREGISTERED }), { registered: false });
});

test('repository patterns are fnmatch', (t) => {
  t.true(repoPattern('rhel-8-for-*-baseos-rpms').test('rhel-8-for-x86_64-baseos-rpms'));
  t.false(repoPattern('rhel-8-for-*-baseos-rpms').test('rhel-8-for-x86_64-appstream-rpms'));
  t.true(repoPattern('rhel-[0-9]-for-?86_64-*').test('rhel-8-for-x86_64-appstream-rpms'));
});

test('syspurpose: old keys kept, given ones set, sorted', (t) => {
  t.is(syspurposeContent({ addons: [], role: 'old' }, { role: 'Red Hat Enterprise Server', usage: 'Production', sync: true }), '{\n  "addons": [],\n  "role": "Red Hat Enterprise Server",\n  "usage": "Production"\n}');
});

const ENABLED_BOTH = REPOS.replace('Enabled:   0', 'Enabled:   1');
moduleTable([
  {
    name: "rhsm_repository: kubespray's patterns enable what is off; undo disables it again",
    module: rhsmRepositoryModule,
    args: { name: ['rhel-8-for-*-baseos-rpms', 'rhel-8-for-*-appstream-rpms'], state: 'enabled' },
    facts: { 'repos --list': REPOS },
    expect: {
      changed: true,
      diff: ['repository rhel-8-for-x86_64-appstream-rpms: disabled -> enabled'],
      steps: ['subscription-manager repos --enable=rhel-8-for-x86_64-appstream-rpms'],
      undo: ['subscription-manager repos --disable=rhel-8-for-x86_64-appstream-rpms'],
    },
    after: { 'repos --list': ENABLED_BOTH },
  },
  {
    name: 'rhsm_repository: enabled already: nothing to do',
    module: rhsmRepositoryModule,
    args: { name: ['rhel-8-for-*-baseos-rpms'] },
    facts: { 'repos --list': REPOS },
    expect: { changed: false },
  },
  {
    name: 'rhsm_repository: purge disables every other one',
    module: rhsmRepositoryModule,
    args: { name: ['rhel-8-for-x86_64-baseos-rpms'], purge: true },
    facts: { 'repos --list': REPOS },
    expect: { changed: true, steps: ['subscription-manager repos --disable=codeready-builder-for-rhel-8-x86_64-rpms'], undo: ['subscription-manager repos --enable=codeready-builder-for-rhel-8-x86_64-rpms'] },
    after: { 'repos --list': REPOS.replace(/Enabled:   1\n$/, 'Enabled:   0\n') },
  },
  {
    name: 'rhsm_repository: a name matching nothing is an error',
    module: rhsmRepositoryModule,
    args: { name: ['rhel-9-*'], state: 'disabled' },
    facts: { 'repos --list': REPOS },
    expect: { error: 'rhsm_repository: rhel-9-* is not a valid repository ID' },
  },
  {
    name: 'redhat_subscription: registered already: nothing to do',
    module: redhatSubscriptionModule,
    args: { org_id: '1234567', activationkey: 'k' },
    facts: { identity: REGISTERED },
    expect: { changed: false },
  },
  {
    name: 'redhat_subscription: registers with the key on stdin; undo unregisters',
    module: redhatSubscriptionModule,
    args: { org_id: '1234567', activationkey: 'secret-key', auto_attach: true },
    facts: { identity: UNREGISTERED },
    expect: {
      changed: true,
      steps: ['IFS= read -r k && subscription-manager register --org 1234567 --auto-attach --activationkey "$k"'],
      undo: ['subscription-manager unregister'],
      also: (t, plan) => t.like(plan.steps?.[0], { stdin: 'secret-key\n', secret: true }),
    },
    after: { identity: REGISTERED },
  },
  {
    name: 'redhat_subscription: force_register registers again, which cannot be undone',
    module: redhatSubscriptionModule,
    args: { username: 'admin', password: 'pw', force_register: true },
    facts: { identity: REGISTERED },
    expect: {
      changed: true,
      steps: ['IFS= read -r p && subscription-manager register --username admin --force --password "$p"'],
      undo: null,
    },
    idempotence: 'force_register registers on every run, as in community.general',
  },
  {
    name: 'redhat_subscription: registering without credentials is refused',
    module: redhatSubscriptionModule,
    args: { org_id: '1234567' },
    facts: { identity: UNREGISTERED },
    expect: { error: /needs username and password, or org_id and activationkey/ },
  },
  {
    name: 'redhat_subscription: absent unregisters; it cannot be undone',
    module: redhatSubscriptionModule,
    args: { state: 'absent' },
    facts: { identity: REGISTERED },
    expect: { changed: true, steps: ['subscription-manager remove --all', 'subscription-manager unregister'], undo: null },
    after: { identity: UNREGISTERED },
  },
]);
