/**
 * get_url on the host's side: the commands a host runs when it downloads
 * for itself (`fetch_on: host`) with curl or wget, whichever it has. What
 * is at `dest` is read with the paths fact (src/facts/paths.ts).
 */
import { raw, sh } from '../shell/quote.js';
import { chmodCommand, chownCommand } from './kit/attributes.js';

export interface HostFetch {
  url: string;
  timeout: number;
  validateCerts: boolean;
  username?: string | undefined;
  /** when set, the command reads the password from its stdin */
  withPassword: boolean;
}

/** curl if the host has it, else wget, writing to "$tmp"; the password comes on stdin. */
function downloaderScript(f: HostFetch, target: string): string {
  const curl = [sh`curl -fsSL --connect-timeout ${f.timeout} --speed-time ${f.timeout} --speed-limit 1`];
  const wget = [sh`wget -q -T ${f.timeout}`];
  if (!f.validateCerts) {
    curl.push('-k');
    wget.push('--no-check-certificate');
  }
  if (f.username !== undefined) {
    // curl blanks its argv, so the password is not left visible in ps.
    curl.push(sh`--user ${`${f.username}:`}` + raw(f.withPassword ? '"$pw"' : '').text);
    wget.push(sh`--user=${f.username}` + (f.withPassword ? ' --password="$pw"' : ''));
  }
  curl.push(`-o ${target}`, sh`${f.url}`);
  wget.push(`-O ${target}`, sh`${f.url}`);
  return [
    f.withPassword ? 'IFS= read -r pw || true' : '',
    `if command -v curl >/dev/null 2>&1; then ${curl.join(' ')}`,
    `elif command -v wget >/dev/null 2>&1; then ${wget.join(' ')}`,
    "else echo 'neither curl nor wget is installed on this host' >&2; exit 127; fi",
  ]
    .filter(Boolean)
    .join('\n');
}

/** A read-only probe: prints a checksums file to stdout. */
export function checksumsProbeCommand(f: HostFetch): string {
  return downloaderScript(f, '-');
}

export interface HostDownload extends HostFetch {
  dest: string;
  /** the temporary file beside dest the bytes go to first (kit/content.ts's tempBeside) */
  tmp: string;
  sha256?: string | undefined;
  mode: number;
  owner?: string | undefined;
  group?: string | undefined;
}

/**
 * Downloads beside `dest`, verifies, sets mode and owner, then renames into
 * place: a failed or corrupt download never replaces the old file.
 * Prints `sha256=<hex> size=<bytes>` for the registered result.
 */
export function hostDownloadCommand(d: HostDownload): string {
  const lines = [
    'set -e',
    'umask 077',
    sh`tmp=${d.tmp}`,
    `trap 'rm -f "$tmp"' EXIT`,
    downloaderScript(d, '"$tmp"'),
    'got=$(sha256sum < "$tmp" | cut -c1-64)',
  ];
  if (d.sha256) {
    lines.push(
      sh`if [ "$got" != ${d.sha256} ]; then echo "checksum mismatch for "${d.url}": expected sha256 "${d.sha256}", got sha256 $got" >&2; exit 1; fi`,
    );
  }
  lines.push(chmodCommand(d.tmp, d.mode));
  if (d.owner || d.group) lines.push(chownCommand(d.tmp, d.owner || undefined, d.group || undefined));
  lines.push(sh`mv -f -- ${d.tmp} ${d.dest}`, 'trap - EXIT', sh`echo "sha256=$got size=$(wc -c < ${d.dest})"`);
  return lines.join('\n');
}

export function parseHostDownload(stdout: string): { sha256?: string; size?: number } {
  const m = /sha256=([0-9a-f]{64}) size=\s*(\d+)/.exec(stdout);
  return m ? { sha256: m[1] as string, size: Number(m[2]) } : {};
}
