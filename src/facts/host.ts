/**
 * gather_facts: a small fact set in one round trip, from a POSIX shell
 * script (no Python on the host) and a pure parser. Names follow Ansible's
 * so roles that read `ansible_default_ipv4.address` work unchanged.
 */

/** Prints `python=EXECUTABLE|MAJOR|MINOR|MICRO|RELEASELEVEL|SERIAL|IMPLEMENTATION`. */
const PYTHON_PROBE =
  "'import sys, platform; v = sys.version_info; print(\"python=%s|%d|%d|%d|%s|%d|%s\" % (sys.executable, v[0], v[1], v[2], v[3], v[4], platform.python_implementation().lower()))'";

export const FACTS_SCRIPT = [
  'echo "hostname=$(hostname -s 2>/dev/null || cat /proc/sys/kernel/hostname)"',
  'echo "fqdn=$(hostname -f 2>/dev/null || hostname)"',
  'echo "kernel=$(uname -r)"',
  'echo "arch=$(uname -m)"',
  'echo "system=$(uname -s)"',
  'echo "init=$(cat /proc/1/comm 2>/dev/null)"',
  'echo "nproc=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"',
  "echo \"memtotal_kb=$(awk '/^MemTotal:/{print $2}' /proc/meminfo)\"",
  "echo \"memfree_kb=$(awk '/^MemAvailable:/{print $2}' /proc/meminfo)\"",
  'echo "user=$(id -un)"',
  'echo "epoch=$(date +%s)"',
  'echo "fips=$(cat /proc/sys/crypto/fips_enabled 2>/dev/null)"',
  'for m in apt-get dnf yum; do if command -v "$m" >/dev/null 2>&1; then echo "pkg_mgr=${m%-get}"; break; fi; done',
  "if [ -r /etc/os-release ]; then sed -n 's/^\\(ID\\|ID_LIKE\\|VERSION_ID\\|VERSION_CODENAME\\|NAME\\|PRETTY_NAME\\)=/os_\\1=/p' /etc/os-release; fi",
  "ip -4 -o route show default 2>/dev/null | head -n 1 | sed 's/^/route=/'",
  "ip -4 -o addr show scope global 2>/dev/null | awk '{print \"addr=\" $2 \" \" $4}'",
  // the host's Python, when it has one, as Ansible reports the interpreter its modules run in
  `for p in python3 python; do if command -v "$p" >/dev/null 2>&1; then "$p" -c ${PYTHON_PROBE} 2>/dev/null && break; fi; done`,
].join('; ');

function unquote(value: string): string {
  return value.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
}

const FAMILIES: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Debian',
  rhel: 'RedHat',
  centos: 'RedHat',
  fedora: 'RedHat',
  rocky: 'RedHat',
  almalinux: 'RedHat',
  alpine: 'Alpine',
  arch: 'Archlinux',
  suse: 'Suse',
  opensuse: 'Suse',
};

export function parseFacts(stdout: string): Record<string, unknown> {
  const kv: Record<string, string> = {};
  const addrs: Array<{ iface: string; cidr: string }> = [];
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'addr') {
      const [iface = '', cidr = ''] = value.split(' ');
      addrs.push({ iface, cidr });
    } else kv[key] = unquote(value);
  }
  const id = (kv.os_ID ?? '').toLowerCase();
  const like = (kv.os_ID_LIKE ?? '').toLowerCase().split(/\s+/);
  const family = FAMILIES[id] ?? like.map((l) => FAMILIES[l]).find(Boolean) ?? (kv.system || 'Linux');
  const version = kv.os_VERSION_ID ?? '';
  const route = kv.route ?? '';
  const routeDev = /\bdev (\S+)/.exec(route)?.[1];
  const gateway = /\bvia (\S+)/.exec(route)?.[1];
  const primary = addrs.find((a) => a.iface === routeDev) ?? addrs[0];
  const [address = '', prefix = ''] = (primary?.cidr ?? '').split('/');
  const memTotalMb = Math.floor(Number(kv.memtotal_kb ?? 0) / 1024);
  const facts: Record<string, unknown> = {
    hostname: kv.hostname ?? '',
    nodename: kv.hostname ?? '',
    fqdn: kv.fqdn ?? '',
    kernel: kv.kernel ?? '',
    architecture: kv.arch ?? '',
    machine: kv.arch ?? '',
    system: kv.system ?? '',
    os_family: family,
    distribution: kv.os_NAME ? kv.os_NAME.split(' ')[0] : '',
    distribution_version: version,
    distribution_major_version: version.split('.')[0] ?? '',
    distribution_release: kv.os_VERSION_CODENAME ?? '',
    pkg_mgr: kv.pkg_mgr ?? 'unknown',
    service_mgr: kv.init === 'systemd' || kv.init === 'init' ? (kv.init === 'init' ? 'sysvinit' : 'systemd') : kv.init ?? '',
    processor_vcpus: Number(kv.nproc ?? 0),
    processor_cores: Number(kv.nproc ?? 0),
    memtotal_mb: memTotalMb,
    memfree_mb: Math.floor(Number(kv.memfree_kb ?? 0) / 1024),
    user_id: kv.user ?? '',
    date_time: { epoch: kv.epoch ?? '' },
    // the kernel's FIPS mode, as Ansible's fips fact reads it
    fips: kv.fips === '1',
    default_ipv4: primary
      ? { address, prefix, interface: primary.iface, ...(gateway ? { gateway } : {}) }
      : {},
    all_ipv4_addresses: addrs.map((a) => a.cidr.split('/')[0]),
    interfaces: [...new Set(addrs.map((a) => a.iface))],
    ...pythonFacts(kv.python),
  };
  return facts;
}

/** `ansible_python` and `ansible_python_version`, from the probe's line; none when the host has no Python. */
function pythonFacts(line: string | undefined): Record<string, unknown> {
  const parts = line?.split('|');
  if (!parts || parts.length !== 7) return {};
  const [executable, major, minor, micro, releaselevel, serial, type] = parts as [string, string, string, string, string, string, string];
  const version = { major: Number(major), minor: Number(minor), micro: Number(micro), releaselevel, serial: Number(serial) };
  return {
    python: { executable, type, version, version_info: [version.major, version.minor, version.micro, releaselevel, version.serial] },
    python_version: `${major}.${minor}.${micro}`,
  };
}

/** The variables facts become: `ansible_facts` and each `ansible_<name>`. */
export function factVariables(facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ansible_facts: facts };
  for (const [k, v] of Object.entries(facts)) out[`ansible_${k}`] = v;
  return out;
}
