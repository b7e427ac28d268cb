/**
 * user and group on a lab machine: create, change and remove accounts;
 * apply twice, roll back to the accounts as they were, then drift by hand
 * and see `--check --diff` report it without touching the host.
 */
import test from 'ava';
import { applyTwice, checkDrift, fingerprint, labProject, onHost, resultOf, rollbackTo, runPlay, type Scenario } from '../helpers/lab-play.js';


const HOST = 'mods2';

const PLAY = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: group create
      group: name=ezgrp gid=4242
    - name: group system
      group: name=ezsvc system=yes
    - name: group absent
      group: name=ezgonegrp state=absent
    - name: user create
      user:
        name: ezuser
        uid: 4243
        group: ezgrp
        groups: [ezsvc]
        shell: /bin/bash
        comment: Ez User
    - name: user change
      user: name=ezold shell=/usr/sbin/nologin comment=changed groups=ezsvc append=yes password_lock=yes
    - name: user absent
      user: name=ezgone state=absent
`;

const USERS = ['ezuser', 'ezold', 'ezgone'];
const GROUPS = ['ezgrp', 'ezsvc', 'ezgonegrp', 'ezuser', 'ezold', 'ezgone'];

/** Accounts as they are before the play: one to change, one user and one group to remove. */
const PREPARE = [
  `for u in ${USERS.join(' ')}; do userdel -r $u 2>/dev/null || true; done`,
  `for g in ${GROUPS.join(' ')}; do groupdel $g 2>/dev/null || true; done`,
  `rm -rf /home/ezuser /home/ezold /home/ezgone`,
  `groupadd -g 4250 ezgonegrp`,
  `useradd -m -u 4251 -s /bin/sh -c old -G ezgonegrp ezold`,
  `useradd -m -u 4252 -s /bin/sh -c leaving ezgone`,
  `printf 'keep\\n' > /home/ezgone/notes`,
].join(' && ');

const STATE = {
  users: USERS,
  groups: GROUPS,
  paths: ['/home/ezuser', '/home/ezold', '/home/ezgone'],
  // every account, not only the named ones: a leftover group or user shows here
  commands: ['LC_ALL=C sort /etc/passwd /etc/group', 'cut -d: -f1,2 /etc/shadow /etc/gshadow | LC_ALL=C sort'],
};

const TASKS = ['group create', 'group system', 'group absent', 'user create', 'user change', 'user absent'];

test.serial('user, group: apply, idempotent, rollback to the accounts as they were, drift under --check --diff', async (t) => {
  const s: Scenario = { dir: await labProject({ 'play.yml': PLAY }), host: HOST, state: STATE };
  await onHost(HOST, PREPARE);
  const before = await fingerprint(HOST, STATE);

  const { first } = await applyTwice(t, s, TASKS);
  t.is(await onHost(HOST, 'getent passwd ezuser ezold; id -nG ezuser; id -nG ezold; getent group ezgrp; getent passwd ezgone || echo no-ezgone; getent group ezgonegrp || echo no-ezgonegrp'),
    'ezuser:x:4243:4242:Ez User:/home/ezuser:/bin/bash\nezold:x:4251:4251:changed:/home/ezold:/usr/sbin/nologin\nezgrp ezsvc\nezold ezsvc\nezgrp:x:4242:\nno-ezgone\nno-ezgonegrp\n');
  t.regex(await onHost(HOST, 'getent shadow ezold | cut -d: -f2'), /^!/, 'the password is locked');
  t.true(Number((await onHost(HOST, 'getent group ezsvc | cut -d: -f3')).trim()) < 1000, 'a system group');

  await rollbackTo(t, s, first.runId, before);

  const again = await runPlay(s.dir, 'play.yml');
  t.is(again.code, 0);
  const check = await checkDrift(t, s, [
    'groupmod -g 4300 ezgrp',
    'usermod -s /bin/sh ezuser',
    'usermod -c drifted ezold',
    'useradd -M ezgone',
    'groupadd ezgonegrp',
  ].join(' && '), ['group create', 'group absent', 'user create', 'user change', 'user absent']);
  t.is(resultOf(check, 'group system', HOST).status, 'ok');
});
