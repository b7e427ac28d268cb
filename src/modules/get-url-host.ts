/**
 * get_url on the host's side: the one probe that tells what is at `dest`
 * (command + pure parser), and the commands a host runs when it downloads
 * for itself (`fetch_on: host`) with curl or wget, whichever it has.
 */
import path from 'node:path';
import { raw, sh } from '../shell/quote.js';
import { chmodCommand, chownCommand } from './kit/attributes.js';

export type DestState =
  | { kind: 'absent' }
  | { kind: 'file'; mode: number; owner: string; group: string; size: number; sha256?: string }
  | { kind: 'other' };

export interface DestProbe {
  /** `dest` is a directory: the file goes inside it under the URL's basename */
  isDir: boolean;
  /** the folder `dest` would go into does not exist */
  noParent: boolean;
  state: DestState;
  curl: boolean;
  wget: boolean;
}

/**
 * One command: is `dest` a folder, what is at the final path (following
 * links, as writing through them would), its sha256 when `withHash`, and
 * which downloader the host has.
 */
export function destProbeCommand(dest: string, basename: string, withHash: boolean): string {
  const inside = path.posix.join(dest, basename);
  const parent = path.posix.dirname(dest);
  const hash = withHash ? sh`; sha256sum < "$f" | cut -c1-64` : '';
  return [
    sh`if [ -d ${dest} ]; then echo dir; f=${inside}; else f=${dest}; [ -d ${parent} ] || echo noparent; fi`,
    `if [ -f "$f" ]; then stat -L -c 'file %a %U %G %s' -- "$f"${hash}; elif [ -e "$f" ]; then echo other; else echo absent; fi`,
    'command -v curl >/dev/null 2>&1 && echo have curl',
    'command -v wget >/dev/null 2>&1 && echo have wget',
    'true',
  ].join('\n');
}

export function parseDestProbe(stdout: string): DestProbe {
  const out: DestProbe = { isDir: false, noParent: false, state: { kind: 'absent' }, curl: false, wget: false };
  for (const line of stdout.split('\n').map((l) => l.trim())) {
    if (line === 'dir') out.isDir = true;
    else if (line === 'noparent') out.noParent = true;
    else if (line === 'other') out.state = { kind: 'other' };
    else if (line === 'have curl') out.curl = true;
    else if (line === 'have wget') out.wget = true;
    else if (line.startsWith('file ')) {
      const [, mode = '0', owner = '', group = '', size = '0'] = line.split(/\s+/);
      out.state = { kind: 'file', mode: parseInt(mode, 8), owner, group, size: Number(size) };
    } else if (/^[0-9a-f]{64}$/.test(line) && out.state.kind === 'file') out.state.sha256 = line;
  }
  return out;
}

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
