/**
 * `resolveFile` / `resolveFiles`: Hub repo id (or local folder) + file names → local paths, with the
 * behaviour of Python's `hf_hub_download`:
 *
 * 1. a local folder is read directly;
 * 2. a commit-hash revision already in the cache needs no network;
 * 3. offline (`HF_HUB_OFFLINE`, `localFilesOnly`) reads the cache or fails clearly;
 * 4. otherwise a HEAD request gives commit + ETag, `refs/{revision}` is updated, and the blob is downloaded
 *    only when the cache lacks it; when the Hub cannot be reached the cached copy is used.
 */
import { dirname } from 'node:path';
import {
  CACHED_NO_EXIST,
  blobPath,
  isFile,
  linkSnapshot,
  markNoExist,
  repoCacheDir,
  snapshotPath,
  tryLoadFromCache,
  writeRef,
} from './cache.js';
import { downloadToFile } from './download.js';
import { EntryNotFoundError, HubHttpError, LocalEntryNotFoundError } from './errors.js';
import { fetchFileMetadata, isSha256Etag } from './file-metadata.js';
import { hubHeaders, type RequestContext } from './http.js';
import { isLocalFolder, looksLikePath, missingFolderError, resolveLocalFile } from './local-path.js';
import { type HubOptions, type ResolvedHubOptions, resolveHubOptions } from './options.js';
import { orphanAgeMs, removeOrphanedDownloads } from './orphans.js';
import { hubFileUrl, isCommitHash, validateFilename, validateRepoId } from './repo.js';
import { checkOptionNames } from './option-names.js';

/**
 * Local paths of `filenames` in repo `repoIdOrPath`, in the same order, downloading what the cache lacks.
 * Python: `[hf_hub_download(repo_id, f, repo_type=..., revision=...) for f in filenames]`.
 *
 * @throws {RepositoryNotFoundError | RevisionNotFoundError | EntryNotFoundError | GatedRepoError |
 *   HubAuthError | LocalEntryNotFoundError | HubHttpError} naming the repo, file and revision.
 */
export async function resolveFiles(
  repoIdOrPath: string,
  filenames: readonly string[],
  options: HubOptions = {},
): Promise<string[]> {
  checkOptionNames(options, 'resolveFiles');
  if (isLocalFolder(repoIdOrPath)) return filenames.map((name) => resolveLocalFile(repoIdOrPath, name));
  if (looksLikePath(repoIdOrPath)) throw missingFolderError(repoIdOrPath);
  validateRepoId(repoIdOrPath);
  const resolved = resolveHubOptions(options);
  const paths: string[] = [];
  for (const filename of filenames) paths.push(await resolveHubFile(repoIdOrPath, filename, resolved));
  return paths;
}

/** Local path of one file; see {@link resolveFiles}. Python: `hf_hub_download(repo_id, filename, ...)`. */
export async function resolveFile(
  repoIdOrPath: string,
  filename: string,
  options: HubOptions = {},
): Promise<string> {
  checkOptionNames(options, 'resolveFile');
  const [path] = await resolveFiles(repoIdOrPath, [filename], options);
  return path as string;
}

async function resolveHubFile(
  repoId: string,
  filename: string,
  options: ResolvedHubOptions,
): Promise<string> {
  validateFilename(filename);
  const { cacheDir, repoType, revision } = options;
  const context: RequestContext = { repoId, repoType, revision, filename };
  const repoDir = repoCacheDir(cacheDir, repoId, repoType);

  if (isCommitHash(revision) && (await isFile(snapshotPath(repoDir, revision, filename)))) {
    return snapshotPath(repoDir, revision, filename);
  }
  if (options.offline)
    return fromCacheOrFail(
      repoId,
      filename,
      options,
      'offline mode is on (HF_HUB_OFFLINE or localFilesOnly)',
    );

  const url = hubFileUrl(options.endpoint, repoId, repoType, revision, filename);
  const headers = hubHeaders(options.token);
  let metadata: Awaited<ReturnType<typeof fetchFileMetadata>>;
  try {
    metadata = await fetchFileMetadata(url, headers, context, options.retry, options.timeoutMs);
  } catch (error) {
    if (error instanceof HubHttpError && error.status === 0) {
      // Unreachable Hub: a cached copy is still good (Python does the same), otherwise say so.
      return fromCacheOrFail(
        repoId,
        filename,
        options,
        `the Hub could not be reached (${error.message})`,
        error,
      );
    }
    if (error instanceof EntryNotFoundError) await rememberMissing(error, repoDir, filename, revision);
    throw error;
  }

  await writeRef(repoDir, revision, metadata.commit);
  const pointer = snapshotPath(repoDir, metadata.commit, filename);
  if (await isFile(pointer)) return pointer;
  const blob = blobPath(repoDir, metadata.etag);
  if (!(await isFile(blob))) {
    // Temporary files of downloads killed long ago (see orphans.ts) go before a new one starts.
    await removeOrphanedDownloads(dirname(blob), orphanAgeMs(options.stallTimeoutMs));
    // The token goes only to the Hub itself, never to a CDN on another host.
    const sameHost = new URL(metadata.location).origin === new URL(options.endpoint).origin;
    await downloadToFile({
      url: metadata.location,
      headers: hubHeaders(sameHost ? options.token : undefined),
      destination: blob,
      expectedSize: metadata.size,
      ...(isSha256Etag(metadata.etag) ? { expectedSha256: metadata.etag } : {}),
      context,
      retry: options.retry,
      progress: options.progress,
      stallTimeoutMs: options.stallTimeoutMs,
    });
  }
  return linkSnapshot(repoDir, metadata.commit, filename, metadata.etag);
}

/** Python writes `.no_exist/{commit}/{file}` when the Hub says a file is missing at a known commit. */
async function rememberMissing(
  error: EntryNotFoundError,
  repoDir: string,
  filename: string,
  revision: string,
): Promise<void> {
  if (error.commit === undefined || !isCommitHash(error.commit)) return;
  try {
    await writeRef(repoDir, revision, error.commit);
    await markNoExist(repoDir, error.commit, filename);
  } catch {
    // Only a cache hint; the EntryNotFoundError is what matters.
  }
}

function fromCacheOrFail(
  repoId: string,
  filename: string,
  options: ResolvedHubOptions,
  reason: string,
  cause?: unknown,
): string {
  const cached = tryLoadFromCache(options.cacheDir, repoId, options.repoType, options.revision, filename);
  if (typeof cached === 'string') return cached;
  const label = `"${filename}" of ${options.repoType} repo "${repoId}" at revision "${options.revision}"`;
  if (cached === CACHED_NO_EXIST) {
    throw new EntryNotFoundError(`${label} does not exist (recorded in the cache at ${options.cacheDir}).`);
  }
  throw new LocalEntryNotFoundError(
    `Cannot find ${label} in the cache at ${options.cacheDir}, and ${reason}. Download it once with network ` +
      'access (same cache as Python: HF_HOME / HF_HUB_CACHE), or pass a local folder instead of a repo id.',
    cause === undefined ? undefined : { cause },
  );
}
