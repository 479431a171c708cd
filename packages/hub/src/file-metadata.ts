/**
 * The metadata request Python's `get_hf_file_metadata` makes before downloading: a HEAD on the resolve URL
 * that follows only relative redirects (a renamed repo) and stops at an absolute one (the CDN of an LFS
 * file), reading the commit (`X-Repo-Commit`), the blob name (`X-Linked-Etag` for LFS, else `ETag`), the
 * size (`X-Linked-Size`, else `Content-Length`) and where to download from.
 */
import { HubError, HubHttpError, HubResponseError } from './errors.js';
import { fetchWithRetry, type RequestContext, type RetryOptions, raiseForStatus } from './http.js';
import { isCommitHash } from './repo.js';

/** What the Hub says about one file at one revision. */
export interface HubFileMetadata {
  /** The commit the revision resolved to. */
  readonly commit: string;
  /** Blob name in the cache: git sha1 or LFS sha256, without quotes or `W/`. */
  readonly etag: string;
  /** Size in bytes, when announced. */
  readonly size: number | undefined;
  /** URL to download from (the CDN location for LFS files). */
  readonly location: string;
}

/** Redirects followed before giving up (a loop or a misconfigured mirror). */
const MAX_REDIRECTS = 10;

/** An LFS file's ETag: its sha256, which the downloaded bytes are checked against. */
const SHA256_ETAG = /^[0-9a-f]{64}$/;
/**
 * ETags that may name a file in `blobs/`: a git sha1 or LFS sha256 (what the Hub sends), or, for mirrors,
 * a short token of letters, digits, `_`, `-` and inner dots. Never `.`, `..`, a slash, or a name ending in
 * `.incomplete` (the cache's own temporary files).
 */
const SAFE_ETAG = /^(?:[0-9a-f]{40}|[0-9a-f]{64}|[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)$/;
const MAX_ETAG_LENGTH = 128;

/** True when `etag` can be used as a file name in `blobs/` (see {@link SAFE_ETAG}). */
export function isSafeEtag(etag: string): boolean {
  return etag.length <= MAX_ETAG_LENGTH && SAFE_ETAG.test(etag) && !etag.endsWith('.incomplete');
}

/** True when `etag` is a sha256 (an LFS file), so the download can be verified against it. */
export function isSha256Etag(etag: string): boolean {
  return SHA256_ETAG.test(etag);
}

/** `"abc"` / `W/"abc"` → `abc` (Python's `_normalize_etag`). */
export function normalizeEtag(etag: string | null): string | undefined {
  if (etag === null) return undefined;
  return etag.replace(/^W\//, '').replace(/^"+|"+$/g, '');
}

/** HEAD `url` and read the file's metadata; throws the Hub's error for 4xx. */
export async function fetchFileMetadata(
  url: string,
  headers: Record<string, string>,
  context: RequestContext,
  retry?: RetryOptions,
  timeoutMs?: number,
): Promise<HubFileMetadata> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    const response = await fetchWithRetry(
      current,
      { method: 'HEAD', headers: { ...headers, 'accept-encoding': 'identity' }, redirect: 'manual' },
      retry,
      timeoutMs,
    );
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      const target = new URL(location, current);
      const isRelative = !/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('//');
      if (isRelative) {
        current = target.href;
        continue;
      }
      return readMetadata(response, current, target.href, context);
    }
    await raiseForStatus(response, current, context);
    if (response.status >= 300) {
      throw new HubHttpError(`Redirect without a Location header from ${current}`, response.status);
    }
    return readMetadata(response, current, current, context);
  }
  throw new HubHttpError(`More than ${MAX_REDIRECTS} redirects starting at ${url}`, 310);
}

function readMetadata(
  response: Response,
  source: string,
  location: string,
  context: RequestContext,
): HubFileMetadata {
  const commit = response.headers.get('x-repo-commit');
  const etag = normalizeEtag(response.headers.get('x-linked-etag') ?? response.headers.get('etag'));
  const sizeHeader = response.headers.get('x-linked-size') ?? response.headers.get('content-length');
  const label = `"${context.filename}" of ${context.repoType} repo "${context.repoId}"`;
  if (commit === null || !isCommitHash(commit)) {
    throw new HubError(
      `The server did not send a commit hash (X-Repo-Commit header) for ${label}; HF_ENDPOINT must point at a ` +
        'Hugging Face Hub (or a mirror that forwards its headers).',
    );
  }
  if (etag === undefined || !isSafeEtag(etag)) {
    throw new HubResponseError(
      `The server did not send a usable ETag for ${label} (got ${JSON.stringify(etag)} from ${source}; ` +
        'expected a 40- or 64-hex blob hash); the file cannot be cached safely.',
      source,
    );
  }
  const size = sizeHeader === null ? undefined : Number(sizeHeader);
  return {
    commit,
    etag,
    size: size !== undefined && Number.isSafeInteger(size) ? size : undefined,
    location,
  };
}
