/**
 * The Debian package source the controller is configured with, and a
 * private apt configuration that adds other suites of that same source in a
 * folder of its own: package lists, cache and sources all live there, so
 * the controller's apt state is never changed by looking at another suite.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DebianSource {
  uri: string;
  /** the keyring that signs it, when the source names one */
  signedBy?: string;
}

const DEFAULT_SOURCE: DebianSource = {
  uri: process.env.EZPLAY_LAB_MIRROR ?? 'http://deb.debian.org/debian',
  signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
};

interface SourceEntry {
  uri: string;
  suites: string[];
  signedBy?: string;
}

/** Entries of one-line `deb [opts] URI SUITE COMPONENTS` files and deb822 `.sources` stanzas. */
export function parseAptSources(text: string): SourceEntry[] {
  const entries: SourceEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (!m) continue;
    const signed = /signed-by=(\S+)/.exec(m[1] ?? '')?.[1];
    entries.push({ uri: m[2] as string, suites: [m[3] as string], ...(signed ? { signedBy: signed } : {}) });
  }
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) fields.set((m[1] as string).toLowerCase(), (m[2] as string).trim());
    }
    if (!fields.has('uris') || !/\bdeb\b/.test(fields.get('types') ?? '') || /^no$/i.test(fields.get('enabled') ?? '')) continue;
    const signedBy = fields.get('signed-by');
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) {
      entries.push({ uri, suites: (fields.get('suites') ?? '').split(/\s+/).filter(Boolean), ...(signedBy?.startsWith('/') ? { signedBy } : {}) });
    }
  }
  return entries;
}

/**
 * The main Debian archive among the configured sources: one with a plain
 * release suite (not -security, -updates or -backports), preferring URIs
 * that look like Debian's own; the public mirror when there is none.
 */
export function debianSource(texts: readonly string[]): DebianSource {
  const entries = texts.flatMap(parseAptSources).filter((e) => e.suites.some((s) => /^[a-z]+$/.test(s)) && !/security/.test(e.uri));
  const pick = entries.find((e) => /\/debian\/?$/.test(e.uri)) ?? entries[0];
  if (!pick) return DEFAULT_SOURCE;
  return { uri: pick.uri, ...(pick.signedBy ? { signedBy: pick.signedBy } : DEFAULT_SOURCE.signedBy ? { signedBy: DEFAULT_SOURCE.signedBy } : {}) };
}

/** The text of every apt source file on the controller. */
export async function aptSourceFiles(): Promise<string[]> {
  const files = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) for (const f of await readdir(dir)) if (/\.(list|sources)$/.test(f)) files.push(path.join(dir, f));
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
  return texts.filter(Boolean);
}

/** apt-get options for a configuration of its own under `dir`: only `suites` of `source`. */
export async function privateAptOptions(dir: string, source: DebianSource, suites: readonly string[]): Promise<string[]> {
  for (const sub of ['lists/partial', 'cache/archives/partial', 'sources.list.d', 'preferences.d']) {
    await mkdir(path.join(dir, sub), { recursive: true });
  }
  const opts = source.signedBy && existsSync(source.signedBy) ? ` [signed-by=${source.signedBy}]` : '';
  await writeFile(path.join(dir, 'sources.list'), suites.map((s) => `deb${opts} ${source.uri} ${s} main\n`).join(''));
  return [
    '-o', `Dir::State::Lists=${path.join(dir, 'lists')}`,
    '-o', `Dir::Cache=${path.join(dir, 'cache')}`,
    '-o', `Dir::Etc::SourceList=${path.join(dir, 'sources.list')}`,
    '-o', `Dir::Etc::SourceParts=${path.join(dir, 'sources.list.d')}`,
    '-o', `Dir::Etc::Preferences=${path.join(dir, 'preferences')}`,
    '-o', `Dir::Etc::PreferencesParts=${path.join(dir, 'preferences.d')}`,
    // the private lists are nobody else's: no need to wait on the system's apt lock
    '-o', 'Debug::NoLocking=1',
    '-o', 'Acquire::Retries=3',
  ];
}
