/**
 * Temporary download files (`blobs/*.incomplete`) left behind by a process that was killed mid-download
 * (SIGKILL, power loss: no `finally` runs). They are not resumed: their names are unique per download, so
 * another process may still be writing one, and adopting a live file would interleave two writers. Instead,
 * before a download into a `blobs/` folder, files there that have not been written for a long time (an hour,
 * or ten stall timeouts when that is longer) are deleted: a live download writes at least once per stall
 * timeout or gives up.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** An `.incomplete` file untouched this long is treated as orphaned (unless the stall timeout is longer). */
export const ORPHAN_MIN_AGE_MS = 60 * 60 * 1000;

/** The age after which an `.incomplete` file counts as orphaned, for a given stall timeout. */
export function orphanAgeMs(stallTimeoutMs: number): number {
  return Math.max(ORPHAN_MIN_AGE_MS, 10 * stallTimeoutMs);
}

/**
 * Deletes `*.incomplete` files in `blobsDir` last modified more than `olderThanMs` ago; returns their names.
 * Best effort: a missing folder or a file removed meanwhile by another process is not an error.
 */
export async function removeOrphanedDownloads(blobsDir: string, olderThanMs: number): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(blobsDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const now = Date.now();
  for (const name of names) {
    if (!name.endsWith('.incomplete')) continue;
    const path = join(blobsDir, name);
    try {
      const info = await stat(path);
      if (!info.isFile() || now - info.mtimeMs <= olderThanMs) continue;
      await rm(path, { force: true });
      removed.push(name);
    } catch {
      // Gone already (another process cleaned it or finished it).
    }
  }
  return removed;
}
