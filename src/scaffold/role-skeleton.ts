/**
 * The files of `ezplay new role NAME`, as data: a role in kubeasz's layout
 * with a small working example (a config file from a template, a systemd
 * unit that reads it, a handler that restarts it) and the `tests/` that
 * `ezplay test NAME` runs. Everything the example needs is on a minimal
 * Debian with systemd: /bin/sh and sleep.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OptionsError } from '../errors.js';

export interface SkeletonFile {
  /** relative to the role's folder */
  path: string;
  content: string;
}

/** Ansible's rule for role names, which also makes them safe as variable prefixes and unit names. */
export const ROLE_NAME = /^[a-z_][a-z0-9_]*$/;

export function roleSkeleton(name: string): SkeletonFile[] {
  if (!ROLE_NAME.test(name)) throw new OptionsError(`'${name}' is not a role name: use lower-case letters, digits and _ (e.g. node_exporter_lite)`);
  const unit = name.replace(/_/g, '-');
  return [
    { path: 'README.md', content: readme(name, unit) },
    { path: 'defaults/main.yml', content: defaults(name) },
    { path: 'tasks/main.yml', content: tasks(name, unit) },
    { path: 'handlers/main.yml', content: handlers(name, unit) },
    { path: `templates/${name}.conf.j2`, content: configTemplate(name) },
    { path: `templates/${unit}.service.j2`, content: unitTemplate(name, unit) },
    { path: 'files/.gitkeep', content: '' },
    { path: 'meta/main.yml', content: meta(name) },
    { path: 'tests/test.yml', content: testPlaybook(name) },
    { path: 'tests/verify.yml', content: verifyPlaybook(name, unit) },
  ];
}

/** Writes the skeleton into `rolesDir/name`; refuses when that folder exists. */
export async function writeRoleSkeleton(rolesDir: string, name: string): Promise<{ dir: string; files: string[] }> {
  const files = roleSkeleton(name);
  const dir = path.resolve(rolesDir, name);
  if (existsSync(dir)) throw new OptionsError(`${dir} already exists; a new role is never written over an existing one`);
  for (const file of files) {
    const target = path.join(dir, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content, { flag: 'wx' });
  }
  return { dir, files: files.map((f) => f.path) };
}

const readme = (name: string, unit: string) => `# ${name}

A role made with \`ezplay new role ${name}\`. As it comes, it installs a
tiny example service, \`${unit}\`, configured by \`/etc/${name}/${name}.conf\`:
replace the example with your own tasks, keeping the \`tests/\` in step.

| file | holds |
| --- | --- |
| \`defaults/main.yml\` | the role's variables and their defaults (lowest precedence) |
| \`tasks/main.yml\` | what the role does |
| \`handlers/main.yml\` | what runs once at the end of the play when a task notifies it |
| \`templates/\` | Jinja2 templates for the \`template\` module |
| \`files/\` | files for the \`copy\` module, copied as they are |
| \`meta/main.yml\` | roles this one depends on |
| \`tests/test.yml\` | a playbook applying the role to \`hosts: all\` |
| \`tests/verify.yml\` | checks that the role did its job |

Test it on fresh lab machines (converge, idempotence, check mode, verify,
rollback):

    ezplay test ${name}
`;

const defaults = (name: string) => `# Variables of the ${name} role, with their defaults: the lowest precedence,
# so inventories (group_vars, host_vars), plays and -e override them.
# Prefixing them with the role's name keeps them apart from other roles'.

${name}_config_dir: /etc/${name}
${name}_greeting: "hello from ${name}"
# seconds the example service sleeps between two messages in its journal
${name}_interval: 3600
`;

const tasks = (name: string, unit: string) => `# The ${name} role: a config file, a systemd unit that reads it, the service
# running. Every task converges: a second run changes nothing.

- name: config folder
  file:
    path: "{{ ${name}_config_dir }}"
    state: directory
    mode: "0755"

- name: config file
  template:
    src: ${name}.conf.j2
    dest: "{{ ${name}_config_dir }}/${name}.conf"
    mode: "0644"
  notify: restart ${unit}

- name: systemd unit
  template:
    src: ${unit}.service.j2
    dest: /etc/systemd/system/${unit}.service
    mode: "0644"
  register: ${name}_unit
  notify: restart ${unit}

# In check mode on a fresh host the unit file is not there yet; the plan
# knows the task above would write it, so this task plans the start too.
- name: ${unit} is enabled and running
  systemd:
    name: ${unit}
    state: started
    enabled: true
    daemon_reload: true
`;

const handlers = (name: string, unit: string) => `# Run once at the end of the play, on the hosts where a task notified them.

- name: restart ${unit}
  systemd:
    name: ${unit}
    state: restarted
    daemon_reload: true
`;

const configTemplate = (name: string) => `# Managed by ezplay (role ${name}); local changes are overwritten.
greeting="{{ ${name}_greeting }}"
interval={{ ${name}_interval }}
`;

// systemd reads the config as an EnvironmentFile; $$ is a literal $ for the shell
const unitTemplate = (name: string, unit: string) => `# Managed by ezplay (role ${name}); local changes are overwritten.
[Unit]
Description=${unit}, the example service of the ${name} role
After=network.target

[Service]
EnvironmentFile={{ ${name}_config_dir }}/${name}.conf
ExecStart=/bin/sh -c 'while :; do echo "$$greeting"; sleep "$$interval"; done'
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;

const meta = (name: string) => `galaxy_info:
  role_name: ${name}
  description: the ${name} role
  platforms:
    - name: Debian

# roles that run before this one, e.g. [ { role: common } ]
dependencies: []
`;

const testPlaybook = (name: string) => `# Applies the role to every host of the inventory. \`ezplay test ${name}\`
# runs it on fresh lab machines; it also runs as it is:
#   ezplay run roles/${name}/tests/test.yml -i inventory/hosts

- name: apply ${name}
  hosts: all
  roles:
    - ${name}
`;

const verifyPlaybook = (name: string, unit: string) => `# Checks that the role did its job; \`ezplay test ${name}\` runs it after the
# idempotence and check-mode stages. Read-only: commands report no change.

- name: verify ${name}
  hosts: all
  gather_facts: false
  vars_files:
    - ../defaults/main.yml
  tasks:
    - name: read the state of ${unit}
      command: systemctl is-active ${unit}
      register: ${name}_active
      changed_when: false
      failed_when: false

    - name: ${unit} is active
      assert:
        that: ${name}_active.stdout == 'active'
        fail_msg: "${unit} is {{ ${name}_active.stdout }}, not active"

    - name: read the config file
      command: cat {{ ${name}_config_dir }}/${name}.conf
      register: ${name}_config
      changed_when: false

    - name: the config file has the expected content
      assert:
        that:
          - "'greeting=\\"' ~ ${name}_greeting ~ '\\"' in ${name}_config.stdout_lines"
          - "'interval=' ~ ${name}_interval in ${name}_config.stdout_lines"
        fail_msg: "unexpected {{ ${name}_config_dir }}/${name}.conf: {{ ${name}_config.stdout }}"
`;
