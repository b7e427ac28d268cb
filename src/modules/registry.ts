/**
 * Every module by name. Ansible's collection prefixes (`ansible.builtin.copy`,
 * `ansible.posix.firewalld`, `community.general.ufw`, `kubernetes.core.helm`) resolve to the same module.
 */
import { closest } from 'fastest-levenshtein';
import type { Module } from './types.js';
import { getUrl } from './get-url.js';
import { unarchive } from './unarchive.js';
import { etcdHealth } from './etcd/health.js';
import { etcdMember } from './etcd/member.js';
import { etcdMembership } from './etcd/membership.js';
import { etcdPromote } from './etcd/promote.js';
import { etcdCorruption } from './etcd/corruption.js';
import { etcdSnapshot } from './etcd/snapshot.js';
import { etcdBackup } from './etcd/backup.js';
import { etcdBackupFetch } from './etcd/backup-fetch.js';
import { etcdBackupSource } from './etcd/backup-source.js';
import { etcdRestoreData } from './etcd/restore-data.js';
import { etcdRestorePlan } from './etcd/restore-plan-module.js';
import { etcdSnapshotVerify } from './etcd/snapshot-verify.js';
import { etcdVersion } from './etcd/version.js';
import { certExpiryModule } from './cert-expiry.js';
import { caTrustModule } from './ca-trust.js';
import { etcdCaRotationPhase } from './etcd/ca-rotation.js';
import { etcdMoveLeader } from './etcd/move-leader.js';
import { uri } from './uri.js';
import { commandModule } from './command.js';
import { shellModule } from './shell.js';
import { fileModule } from './file.js';
import { copyModule } from './copy.js';
import { templateModule } from './template.js';
import { statModule } from './stat.js';
import { lineinfileModule } from './lineinfile.js';
import { blockinfileModule } from './blockinfile.js';
import { slurpModule } from './slurp.js';
import { fetchModule } from './fetch.js';
import { debugModule } from './debug.js';
import { setFactModule } from './set-fact.js';
import { assertModule } from './assert.js';
import { failModule } from './fail.js';
import { pauseModule } from './pause.js';
import { pingModule } from './ping.js';

import { caModule } from './ca.js';
import { certModule } from './cert.js';
import { user } from './user.js';
import { group } from './group.js';
import { systemd, systemdService, service } from './systemd.js';
import { firewall } from './firewall/firewall-module.js';
import { firewalld } from './firewall/firewalld-module.js';
import { ufw } from './firewall/ufw-module.js';
import { iptables } from './firewall/iptables-module.js';
import { waitFor } from './wait-for.js';
import { addHostModule, groupByModule } from './inventory-changes.js';
import { includeVarsModule } from './include-vars.js';
import { gatherFactsModule, setupModule } from './setup.js';
import { tempfileModule } from './tempfile.js';
import { replaceModule } from './replace.js';
import { rawModule, scriptModule, waitForConnectionModule } from './raw.js';
import { findFilesModule } from './find.js';
import { sysctlModule } from './sysctl.js';
import { modprobeModule } from './modprobe.js';
import { hostnameModule } from './hostname.js';
import { aptModule } from './apt.js';
import { dnfModule, yumModule } from './dnf.js';
import { packageModule } from './package.js';
import { rebootModule } from './reboot.js';
import { cronModule } from './cron.js';
import { mountModule } from './mount.js';
import { pamLimitsModule } from './pam-limits.js';
import { packageFactsModule } from './package-facts.js';
import { serviceFactsModule } from './service-facts.js';
import { selinuxModule } from './selinux.js';
import { iniFileModule } from './ini-file.js';
import { pipModule } from './pip.js';
import { synchronizeModule } from './synchronize.js';
import { helmModule, helmRepositoryModule } from './helm.js';
import { redhatSubscriptionModule, rhsmRepositoryModule } from './rhsm.js';
import { timezoneModule } from './timezone.js';
import { dpkgSelectionsModule } from './dpkg-selections.js';
import { aptKeyModule } from './apt-key.js';
import { aptRepositoryModule } from './apt-repository.js';
import { yumRepositoryModule } from './yum-repository.js';
import { validateArgumentSpecModule } from './validate-argument-spec.js';
// Each module registers itself here: one import and one entry per module.
const modules: Module<any>[] = [
  commandModule,
  shellModule,
  fileModule,
  copyModule,
  templateModule,
  statModule,
  lineinfileModule,
  blockinfileModule,
  slurpModule,
  fetchModule,
  debugModule,
  setFactModule,
  assertModule,
  failModule,
  pauseModule,
  pingModule,
  caModule,
  certModule,
  certExpiryModule,
  caTrustModule,
  etcdCaRotationPhase,
  getUrl,
  unarchive,
  etcdHealth,
  etcdMember,
  etcdMembership,
  etcdPromote,
  etcdCorruption,
  etcdSnapshot,
  etcdBackup,
  etcdBackupFetch,
  etcdBackupSource,
  etcdRestoreData,
  etcdRestorePlan,
  etcdSnapshotVerify,
  etcdVersion,
  etcdMoveLeader,
  uri,
  user,
  group,
  systemd,
  systemdService,
  service,
  firewall,
  firewalld,
  ufw,
  iptables,
  waitFor,
  groupByModule,
  addHostModule,
  includeVarsModule,
  setupModule,
  gatherFactsModule,
  tempfileModule,
  replaceModule,
  rawModule,
  scriptModule,
  waitForConnectionModule,
  findFilesModule,
  sysctlModule,
  modprobeModule,
  hostnameModule,
  aptModule,
  dnfModule,
  yumModule,
  packageModule,
  rebootModule,
  cronModule,
  mountModule,
  pamLimitsModule,
  packageFactsModule,
  serviceFactsModule,
  selinuxModule,
  iniFileModule,
  pipModule,
  synchronizeModule,
  helmModule,
  helmRepositoryModule,
  rhsmRepositoryModule,
  redhatSubscriptionModule,
  timezoneModule,
  dpkgSelectionsModule,
  aptKeyModule,
  aptRepositoryModule,
  yumRepositoryModule,
  validateArgumentSpecModule,
];

const byName = new Map<string, Module<any>>();
for (const m of modules) byName.set(m.name, m);

const PREFIXES = ['ansible.builtin.', 'ansible.posix.', 'community.general.', 'kubernetes.core.', 'ansible.legacy.', 'ezplay.'];

export function canonicalModuleName(name: string): string {
  for (const prefix of PREFIXES) if (name.startsWith(prefix)) return name.slice(prefix.length);
  return name;
}

export function findModule(name: string): Module<any> | undefined {
  return byName.get(canonicalModuleName(name));
}

export function isModuleName(name: string): boolean {
  return findModule(name) !== undefined;
}

export function suggestModule(name: string): string | undefined {
  const names = [...byName.keys()];
  return names.length ? closest(canonicalModuleName(name), names) : undefined;
}

export function allModules(): Module<any>[] {
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** For tests and extensions: adds or replaces a module. */
export function registerModule(module: Module<any>): void {
  byName.set(module.name, module);
}
