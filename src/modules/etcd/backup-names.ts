/**
 * Snapshot files on the controller and on the members:
 * `<cluster_name>-<UTC time>-rev<revision>.db`, with `<same>.db.sha256`
 * beside it in sha256sum's format. The UTC time sorts as text, so the
 * newest is last in a sorted listing; the revision says, without opening
 * the file, how far the cluster had got. Pure functions, shared by the
 * backup, retention and restore plans.
 */

export interface SnapshotName {
  file: string;
  cluster: string;
  /** 20260118T093000Z */
  stamp: string;
  revision: number;
}

const NAME = /^(.+)-(\d{8}T\d{6}Z)-rev(\d+)\.db$/;

/** A cluster name that is safe in a file name and a shell pattern. */
export const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** 20260118T093000Z: sortable, no colons, UTC so members in different zones agree. */
export function utcStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function snapshotFileName(cluster: string, now: Date, revision: number): string {
  return `${cluster}-${utcStamp(now)}-rev${revision}.db`;
}

export function parseSnapshotName(file: string): SnapshotName | undefined {
  const m = NAME.exec(file);
  if (!m) return undefined;
  return { file, cluster: m[1] as string, stamp: m[2] as string, revision: Number(m[3]) };
}

/** The snapshots of `cluster` among `files`, oldest first (by time, then revision). */
export function snapshotsOf(files: readonly string[], cluster: string): SnapshotName[] {
  return files
    .map(parseSnapshotName)
    .filter((s): s is SnapshotName => s !== undefined && s.cluster === cluster)
    .sort((a, b) => (a.stamp === b.stamp ? a.revision - b.revision : a.stamp < b.stamp ? -1 : 1));
}

/**
 * The snapshot files retention removes: all but the newest `keep` of the
 * cluster's snapshots (each with its .sha256). `keep` 0 keeps everything.
 * Other clusters' files and files of other names are never touched.
 */
export function retentionRemovals(files: readonly string[], cluster: string, keep: number): string[] {
  if (keep <= 0) return [];
  const mine = snapshotsOf(files, cluster);
  const present = new Set(files);
  return mine.slice(0, Math.max(0, mine.length - keep)).flatMap((s) => [s.file, ...(present.has(`${s.file}.sha256`) ? [`${s.file}.sha256`] : [])]);
}

/** `<hex>  <file>\n`, as sha256sum prints it and `sha256sum -c` reads it. */
export function sha256Line(sha256: string, file: string): string {
  return `${sha256}  ${file}\n`;
}

/** The hash a sha256sum file gives for `file`, if it names it. */
export function parseSha256File(text: string, file: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m && m[2] === file) return m[1];
  }
  return undefined;
}
