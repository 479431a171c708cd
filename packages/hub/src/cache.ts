/**
 * The on-disk cache, in the exact layout of Python's huggingface_hub so both share one cache:
 *
 *     {cacheDir}/{models|datasets}--org--name/
 *       blobs/{etag}                      file contents, named by git sha1 or LFS sha256
 *       snapshots/{commit}/{filename}     relative symlink to ../../blobs/{etag} (copy where links fail)
 *       refs/{revision}                   the commit a branch/tag pointed to when last seen
 *       .no_exist/{commit}/{filename}     empty marker: the Hub said the file does not exist at that commit
 */
import { copyFile, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { HubValidationError } from './errors.js';
import { isCommitHash, type RepoType, repoFolderName } from './repo.js';

/** Returned by {@link tryLoadFromCache} when the cache records that the file does not exist. */
export const CACHED_NO_EXIST: unique symbol = Symbol('CACHED_NO_EXIST');

/** Folder of one repo in the cache. */
export function repoCacheDir(cacheDir: string, repoId: string, repoType: RepoType): string {
  return join(cacheDir, repoFolderName(repoId, repoType));
}

/** The commit a revision resolves to according to the cache (the revision itself for a commit hash). */
export function readCachedCommit(repoDir: string, revision: string): string | undefined {
  if (isCommitHash(revision)) return revision;
  const refPath = join(repoDir, 'refs', revision);
  if (!existsSync(refPath)) return undefined;
  const commit = readFileSync(refPath, 'utf8').trim();
  return isCommitHash(commit) ? commit : undefined;
}

/**
 * Records that `revision` points at `commit` (nothing to record for a commit hash), written to a temporary
 * name and renamed so a reader never sees half a hash.
 */
export async function writeRef(repoDir: string, revision: string, commit: string): Promise<void> {
  if (!isCommitHash(commit)) {
    // The ref is read back as a path component (snapshots/{commit}); only a full hash may go there.
    throw new HubValidationError(
      `Refusing to record ${JSON.stringify(commit)} as the commit of revision "${revision}" in ` +
        `${join(repoDir, 'refs')}: expected a 40-hex commit hash.`,
    );
  }
  if (revision === commit) return;
  const refPath = join(repoDir, 'refs', revision);
  try {
    if ((await readFile(refPath, 'utf8')).trim() === commit) return;
  } catch {
    // No ref yet.
  }
  await mkdir(dirname(refPath), { recursive: true });
  const temp = `${refPath}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, commit);
  await rename(temp, refPath);
}

/**
 * Python's `try_to_load_from_cache`: the cached path of `filename` at `revision`, {@link CACHED_NO_EXIST}
 * when the cache knows it is missing, or undefined when the cache cannot tell.
 */
export function tryLoadFromCache(
  cacheDir: string,
  repoId: string,
  repoType: RepoType,
  revision: string,
  filename: string,
): string | typeof CACHED_NO_EXIST | undefined {
  const repoDir = repoCacheDir(cacheDir, repoId, repoType);
  const commit = readCachedCommit(repoDir, revision);
  if (commit === undefined) return undefined;
  const snapshotFile = join(repoDir, 'snapshots', commit, filename);
  if (existsSync(snapshotFile)) return snapshotFile;
  if (existsSync(join(repoDir, '.no_exist', commit, filename))) return CACHED_NO_EXIST;
  return undefined;
}

/** Path of a blob. */
export function blobPath(repoDir: string, etag: string): string {
  return join(repoDir, 'blobs', etag);
}

/** Path of a file in a snapshot. */
export function snapshotPath(repoDir: string, commit: string, filename: string): string {
  return join(repoDir, 'snapshots', commit, filename);
}

/** True when `path` exists and is a regular file (a symlink is followed). */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Makes `snapshots/{commit}/{filename}` point at the blob: a relative symlink like Python's, or a copy where
 * the file system refuses links. Idempotent; a concurrent writer producing the same link is fine.
 */
export async function linkSnapshot(
  repoDir: string,
  commit: string,
  filename: string,
  etag: string,
): Promise<string> {
  const pointer = snapshotPath(repoDir, commit, filename);
  const blob = blobPath(repoDir, etag);
  await mkdir(dirname(pointer), { recursive: true });
  if (await isFile(pointer)) return pointer;
  await rm(pointer, { force: true });
  try {
    await symlink(relative(dirname(pointer), blob), pointer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return pointer;
    const temp = `${pointer}.${process.pid}.${Date.now()}.tmp`;
    await copyFile(blob, temp);
    await rename(temp, pointer);
  }
  return pointer;
}

/** Records that `filename` does not exist at `commit` (Python's `.no_exist` marker). */
export async function markNoExist(repoDir: string, commit: string, filename: string): Promise<void> {
  const marker = join(repoDir, '.no_exist', commit, filename);
  await mkdir(dirname(marker), { recursive: true });
  await writeFile(marker, '');
}
