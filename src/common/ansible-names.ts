/**
 * Names Ansible knows (ansible-core 2.14 and the collections most
 * playbooks use) that ezplay may not: modules, keywords, filters, tests
 * and lookups, with the collection each comes from. An unknown name found
 * here is said to be unsupported, not mistaken for a typo of some
 * unrelated name; did-you-mean is kept for names that are close to a
 * known one. Data only.
 */
import { distance } from 'fastest-levenshtein';

type Collections = Record<string, readonly string[]>;

const words = (text: string): string[] => text.trim().split(/\s+/);

export const ANSIBLE_MODULES: Collections = {
  'ansible.builtin': words(`
    add_host apt apt_key apt_repository assemble assert async_status blockinfile command copy cron
    debconf debug dnf dnf5 dpkg_selections expect fail fetch file find gather_facts get_url getent git
    group group_by hostname import_playbook import_role import_tasks include include_role include_tasks
    include_vars iptables known_hosts lineinfile meta mount_facts package package_facts pause ping pip
    raw reboot replace rpm_key script service service_facts set_fact set_stats setup shell slurp stat
    subversion systemd systemd_service sysvinit tempfile template unarchive uri user
    validate_argument_spec wait_for wait_for_connection yum yum_repository`),
  'ansible.posix': words(`
    acl at authorized_key firewalld firewalld_info mount patch rhel_facts rhel_rpm_ostree
    rpm_ostree_upgrade seboolean selinux synchronize sysctl`),
  'community.general': words(`
    alternatives apk archive capabilities cargo cronvar dconf filesystem flatpak gem git_config
    github_release homebrew ini_file iso_extract java_cert java_keystore jenkins_plugin kernel_blacklist
    ldap_entry locale_gen lvg lvol make modprobe mssql_db nmcli npm open_iscsi openssl_privatekey_info
    pacman pam_limits pamd parted pids pip_package_info pipx pkgng redis sefcontext seport snap
    snap_alias supervisorctl syslogger timezone ufw xfs_quota xml yarn zfs zypper zypper_repository`),
  'community.crypto': words(`
    acme_certificate acme_account certificate_complete_chain crypto_info get_certificate luks_device
    openssh_cert openssh_keypair openssl_csr openssl_csr_info openssl_csr_pipe openssl_dhparam
    openssl_pkcs12 openssl_privatekey openssl_privatekey_info openssl_privatekey_pipe
    openssl_publickey openssl_signature openssl_signature_info x509_certificate x509_certificate_info
    x509_certificate_pipe x509_crl x509_crl_info`),
  'community.docker': words(`
    docker_compose docker_compose_v2 docker_config docker_container docker_container_exec
    docker_container_info docker_host_info docker_image docker_image_info docker_login docker_network
    docker_node docker_prune docker_secret docker_stack docker_swarm docker_volume`),
  'kubernetes.core': words(`
    helm helm_info helm_plugin helm_repository k8s k8s_cluster_info k8s_cp k8s_drain k8s_exec k8s_info
    k8s_json_patch k8s_log k8s_rollback k8s_scale k8s_service`),
  'community.mysql': words('mysql_db mysql_query mysql_replication mysql_user mysql_variables'),
  'community.postgresql': words('postgresql_db postgresql_query postgresql_user postgresql_privs postgresql_ext'),
  'ansible.windows': words(`
    win_command win_copy win_feature win_file win_get_url win_package win_service win_shell win_template
    win_updates win_user`),
};

const COMMON_KEYWORDS = `any_errors_fatal become become_exe become_flags become_method become_user check_mode
  collections connection debugger diff environment ignore_errors ignore_unreachable module_defaults name
  no_log port remote_user run_once tags throttle timeout vars`;

/** The keywords Ansible accepts on a task, a block and a play (with_<lookup> aside). */
export const ANSIBLE_KEYWORDS: Record<'task' | 'block' | 'play', readonly string[]> = {
  task: words(`${COMMON_KEYWORDS} action args async changed_when delay delegate_facts delegate_to failed_when
    listen local_action loop loop_control notify poll register retries until when`),
  block: words(`${COMMON_KEYWORDS} always block delegate_facts delegate_to notify rescue when`),
  play: words(`${COMMON_KEYWORDS} fact_path force_handlers gather_facts gather_subset gather_timeout handlers
    hosts max_fail_percentage order post_tasks pre_tasks roles serial strategy tasks vars_files vars_prompt`),
};

export const ANSIBLE_LOOKUPS: Collections = {
  'ansible.builtin': words(`
    config csvfile dict env file fileglob first_found indexed_items ini inventory_hostnames items lines
    list nested password pipe random_choice sequence subelements template together unvault url varnames
    vars`),
  'community.general': words(`
    cartesian chef_databag collection_version consul_kv credstash cyberarkpassword dependent dig dnstxt
    dsv etcd etcd3 filetree flattened hiera keyring lastpass lmdb_kv manifold merge_variables onepassword
    passwordstore random_pet random_string random_words redis revbitspss shelvefile tss`),
  'community.hashi_vault': words('hashi_vault vault_kv1_get vault_kv2_get vault_read'),
  'kubernetes.core': words('k8s kustomize'),
};

export const ANSIBLE_FILTERS: Collections = {
  'ansible.builtin': words(`
    b64decode b64encode basename bool checksum combinations combine comment dict2items difference
    dirname expanduser expandvars extract fileglob flatten from_json from_yaml from_yaml_all hash
    human_readable human_to_bytes intersect items2dict log mandatory md5 min max password_hash
    path_join permutations pow product quote random realpath regex_escape regex_findall regex_replace
    regex_search relpath root sha1 shuffle split splitext strftime subelements symmetric_difference
    ternary to_datetime to_json to_nice_json to_nice_yaml to_uuid to_yaml type_debug union unique
    unvault urldecode urlsplit vault win_basename win_dirname win_splitdrive zip zip_longest`),
  'community.general': words(`
    counter dict dict_kv from_csv groupby_as_dict hashids_decode hashids_encode jc json_query
    lists_mergeby random_mac to_days to_hours to_milliseconds to_minutes to_months to_seconds
    to_time_unit to_weeks to_years unicode_normalize version_sort`),
  'ansible.utils': words(`
    cidr_merge hwaddr ip4_hex ipaddr ipmath ipsubnet ipv4 ipv6 ipwrap macaddr network_in_network
    network_in_usable next_nth_usable nthhost previous_nth_usable reduce_on_network slaac to_paths
    usable_range validate`),
};

export type AnsibleNameKind = 'module' | 'filter' | 'lookup';

const TABLES: Record<AnsibleNameKind, Collections> = { module: ANSIBLE_MODULES, filter: ANSIBLE_FILTERS, lookup: ANSIBLE_LOOKUPS };

/** The collection that provides a module, filter or lookup, by short or fully qualified name. */
export function ansibleCollectionOf(kind: AnsibleNameKind, name: string): string | undefined {
  const parts = name.split('.');
  const short = parts[parts.length - 1] as string;
  const qualifier = parts.length >= 3 ? parts.slice(0, -1).join('.') : undefined;
  for (const [collection, names] of Object.entries(TABLES[kind])) {
    if (names.includes(short) && (qualifier === undefined || qualifier === collection || qualifier === 'ansible.legacy')) return collection;
  }
  // any fully qualified name names its collection itself
  return qualifier;
}

/**
 * What to say about a name ezplay does not support that Ansible knows, or
 * undefined when Ansible does not know it either.
 */
export function unsupportedAnsibleName(kind: AnsibleNameKind, name: string): string | undefined {
  const collection = ansibleCollectionOf(kind, name);
  if (!collection) return undefined;
  return collection === 'ansible.builtin'
    ? `'${name}' is an ansible.builtin ${kind} that ezplay does not support yet`
    : `'${name}' is a ${kind} of the ${collection} collection, which ezplay does not ship`;
}

/** A keyword Ansible accepts at this level that ezplay does not. */
export function unsupportedAnsibleKeyword(level: 'task' | 'block' | 'play', name: string): string | undefined {
  if (ANSIBLE_KEYWORDS[level].includes(name)) return `'${name}' is an Ansible ${level} keyword that ezplay does not support yet`;
  const lookup = level === 'task' ? /^with_(.+)$/.exec(name)?.[1] : undefined;
  if (lookup) {
    const collection = ansibleCollectionOf('lookup', lookup);
    if (collection) return `'${name}' loops over the ${lookup} lookup of ${collection}, which ezplay does not support`;
  }
  return undefined;
}

/** A suggestion only for a likely typo: within two edits of the candidate (one for names of three letters or fewer). */
export function closeEnough(name: string, candidate: string | undefined): candidate is string {
  if (candidate === undefined || candidate === name) return false;
  const allowed = name.length <= 3 ? 1 : 2;
  return distance(name.toLowerCase(), candidate.toLowerCase()) <= allowed;
}
