/**
 * Listing a repo's files: the revision API (`/api/{models|datasets}/{repo}/revision/{rev}`, commit sha +
 * every file) and the tree API (`/api/.../tree/{rev}/{path}`, one folder, paginated by `Link` headers).
 * Offline, or when the Hub cannot be reached, the listing comes from the cached snapshot, which holds only
 * the files downloaded before.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readBodyWithLimit } from './body.js';
import { readCachedCommit, repoCacheDir, writeRef } from './cache.js';
import {
  HubError,
  HubHttpError,
  HubResponseError,
  HubTimeoutError,
  LocalEntryNotFoundError,
} from './errors.js';
import { fetchWithRetry, hubHeaders, isTimeoutAbort, type RequestContext, raiseForStatus } from './http.js';
import { isLocalFolder, looksLikePath, missingFolderError } from './local-path.js';
import { type HubOptions, type ResolvedHubOptions, resolveHubOptions } from './options.js';
import { hubRevisionApiUrl, hubTreeApiUrl, isCommitHash, validateRepoId } from './repo.js';
import { checkOptionNames } from './option-names.js';

/** Files of a repo at a revision. */
export interface RepoListing {
  /** Commit the revision resolved to; undefined for a local folder. */
  readonly commit: string | undefined;
  /** Paths relative to the repo root, `/`-separated, sorted. */
  readonly files: string[];
  /** Where the listing came from: the Hub, the cache (offline: only downloaded files), or a local folder. */
  readonly source: 'hub' | 'cache' | 'local';
}

/** One entry of a tree listing. */
export interface RepoTreeEntry {
  readonly type: 'file' | 'directory';
  readonly path: string;
  readonly size?: number;
  readonly oid?: string;
}

/** Largest API answer read, checked while it streams (a listing of a huge repo is a few MiB). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** Most pages followed in a tree listing. */
const MAX_PAGES = 10_000;

/**
 * Every file of a repo (or local folder) at a revision. Python: `HfApi().list_repo_files(repo_id, ...)`.
 */
export async function listRepoFiles(repoIdOrPath: string, options: HubOptions = {}): Promise<RepoListing> {
  checkOptionNames(options, 'listRepoFiles');
  if (isLocalFolder(repoIdOrPath)) {
    return { commit: undefined, files: await walk(repoIdOrPath), source: 'local' };
  }
  if (looksLikePath(repoIdOrPath)) throw missingFolderError(repoIdOrPath);
  validateRepoId(repoIdOrPath);
  const resolved = resolveHubOptions(options);
  if (resolved.offline) return listFromCache(repoIdOrPath, resolved, 'offline mode is on');
  const url = hubRevisionApiUrl(resolved.endpoint, repoIdOrPath, resolved.repoType, resolved.revision);
  let body: unknown;
  try {
    body = await getJson(url, resolved, context(repoIdOrPath, resolved));
  } catch (error) {
    if (error instanceof HubHttpError && error.status === 0) {
      return listFromCache(repoIdOrPath, resolved, `the Hub could not be reached (${error.message})`, error);
    }
    throw error;
  }
  const info = body as { sha?: unknown; siblings?: unknown };
  if (typeof info.sha !== 'string' || !Array.isArray(info.siblings)) {
    throw new HubError(`${url} did not answer with {sha, siblings} as the Hub's revision API does.`);
  }
  if (!isCommitHash(info.sha)) {
    throw new HubResponseError(
      `${url} answered "sha": ${JSON.stringify(info.sha.slice(0, 100))}, which is not a 40-hex commit hash; ` +
        'nothing was recorded in the cache.',
      url,
    );
  }
  const files = info.siblings
    .map((sibling) => (sibling as { rfilename?: unknown }).rfilename)
    .filter((name): name is string => typeof name === 'string')
    .sort();
  await writeRef(
    repoCacheDir(resolved.cacheDir, repoIdOrPath, resolved.repoType),
    resolved.revision,
    info.sha,
  );
  return { commit: info.sha, files, source: 'hub' };
}

/**
 * Entries of one folder of a repo (`path` `''` = root), all pages. Python: `HfApi().list_repo_tree(...)`.
 */
export async function listRepoTree(
  repoId: string,
  path: string,
  options: HubOptions & { readonly recursive?: boolean } = {},
): Promise<RepoTreeEntry[]> {
  checkOptionNames(options, 'listRepoTree');
  validateRepoId(repoId);
  const resolved = resolveHubOptions(options);
  if (resolved.offline) {
    throw new LocalEntryNotFoundError(
      `Cannot list the tree of "${repoId}" in offline mode; use listRepoFiles, which reads the cache.`,
    );
  }
  let url: string | undefined = hubTreeApiUrl(
    resolved.endpoint,
    repoId,
    resolved.repoType,
    resolved.revision,
    path,
    options.recursive ?? false,
  );
  const entries: RepoTreeEntry[] = [];
  for (let page = 0; url !== undefined; page += 1) {
    if (page >= MAX_PAGES)
      throw new HubError(`Tree listing of "${repoId}" has more than ${MAX_PAGES} pages.`);
    const { body, next } = await getJsonPage(url, resolved, context(repoId, resolved));
    if (!Array.isArray(body))
      throw new HubError(`${url} did not answer with a JSON array as the tree API does.`);
    for (const item of body) {
      const entry = item as { type?: unknown; path?: unknown; size?: unknown; oid?: unknown };
      if ((entry.type !== 'file' && entry.type !== 'directory') || typeof entry.path !== 'string') continue;
      entries.push({
        type: entry.type,
        path: entry.path,
        ...(typeof entry.size === 'number' ? { size: entry.size } : {}),
        ...(typeof entry.oid === 'string' ? { oid: entry.oid } : {}),
      });
    }
    url = next;
  }
  return entries;
}

function context(repoId: string, options: ResolvedHubOptions): RequestContext {
  return { repoId, repoType: options.repoType, revision: options.revision };
}

async function getJson(url: string, options: ResolvedHubOptions, ctx: RequestContext): Promise<unknown> {
  return (await getJsonPage(url, options, ctx)).body;
}

async function getJsonPage(
  url: string,
  options: ResolvedHubOptions,
  ctx: RequestContext,
): Promise<{ body: unknown; next: string | undefined }> {
  const response = await fetchWithRetry(
    url,
    { headers: hubHeaders(options.token, { accept: 'application/json' }) },
    options.retry,
    options.timeoutMs,
  );
  await raiseForStatus(response, url, ctx);
  let bytes: Buffer;
  try {
    bytes = await readBodyWithLimit(response, url, MAX_JSON_BYTES);
  } catch (error) {
    if (!isTimeoutAbort(error)) throw error;
    throw new HubTimeoutError(
      `${url} did not finish its answer within ${options.timeoutMs} ms (option "timeoutMs").`,
      url,
      options.timeoutMs,
      { cause: error },
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new HubError(`${url} did not answer with JSON: ${(error as Error).message}`);
  }
  return { body, next: nextPageUrl(response.headers.get('link'), url, options.endpoint) };
}

/**
 * The `rel="next"` target of a `Link` header, resolved against `url`. Only a page on the endpoint's own
 * origin is followed: the request carries the token, and the Hub paginates on itself only, so a link
 * elsewhere is refused (naming it) rather than sent the token.
 */
function nextPageUrl(link: string | null, url: string, endpoint: string): string | undefined {
  const target = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
  if (target === undefined) return undefined;
  let next: URL;
  try {
    next = new URL(target, url);
  } catch {
    throw new HubResponseError(
      `${url} sent a Link header with an invalid next URL ${JSON.stringify(target)}.`,
      url,
    );
  }
  if (next.origin !== new URL(endpoint).origin) {
    throw new HubResponseError(
      `${url} sent a next-page link to another origin (${next.href}); only pages on ${new URL(endpoint).origin} ` +
        'are followed, so the token is never sent elsewhere.',
      url,
    );
  }
  return next.href;
}

async function listFromCache(
  repoId: string,
  options: ResolvedHubOptions,
  reason: string,
  cause?: unknown,
): Promise<RepoListing> {
  const repoDir = repoCacheDir(options.cacheDir, repoId, options.repoType);
  const commit = readCachedCommit(repoDir, options.revision);
  if (commit !== undefined) {
    try {
      return { commit, files: await walk(join(repoDir, 'snapshots', commit)), source: 'cache' };
    } catch {
      // No snapshot folder: fall through to the error.
    }
  }
  throw new LocalEntryNotFoundError(
    `Cannot list ${options.repoType} repo "${repoId}" at revision "${options.revision}": ${reason}, and the cache ` +
      `at ${options.cacheDir} has no snapshot of it.`,
    cause === undefined ? undefined : { cause },
  );
}

/** Every file under `root` (symlinks to files included), relative and `/`-separated, sorted; skips `.git`. */
async function walk(root: string): Promise<string[]> {
  const files: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const folder = pending.pop() as string;
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile() || entry.isSymbolicLink())
        files.push(relative(root, full).split('\\').join('/'));
    }
  }
  return files.sort();
}
