/**
 * Repo ids, revisions and the names the cache and the HTTP API derive from them, exactly as
 * `huggingface_hub` spells them (`models--org--name`, `/datasets/org/name/resolve/...`).
 */
import { HubValidationError } from './errors.js';

/** The kinds of repo this package reads. */
export type RepoType = 'model' | 'dataset';

/** Python's `REGEX_COMMIT_HASH`: a full 40-hex-digit git commit. */
const COMMIT_HASH = /^[0-9a-f]{40}$/;

/** Python's repo id rule: one optional namespace, letters/digits/`-_.`, no `--` or `..`, at most 96 chars. */
const REPO_ID = /^(?:[\w\-.]+\/)?[\w\-.]+$/;

/** True for a full commit hash (which never moves, so a cached file for it needs no network). */
export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH.test(revision);
}

/** Throws a {@link HubValidationError} unless `repoId` is a valid Hub repo id. */
export function validateRepoId(repoId: string): void {
  if (
    !REPO_ID.test(repoId) ||
    repoId.length > 96 ||
    repoId.includes('--') ||
    repoId.includes('..') ||
    /^[-.]|[-.]$/.test(repoId.split('/').pop() ?? '')
  ) {
    throw new HubValidationError(
      `"${repoId}" is neither an existing local folder nor a valid Hub repo id. A repo id looks like ` +
        `"bert-base-cased" or "org/name": letters, digits, "-", "_" and ".", without "--" or "..", at most 96 characters.`,
    );
  }
}

/** Throws unless `filename` is a relative path inside the repo (no `..`, no absolute path, no backslash). */
export function validateFilename(filename: string): void {
  const parts = filename.split('/');
  if (
    filename === '' ||
    filename.startsWith('/') ||
    filename.includes('\\') ||
    filename.includes('\0') ||
    parts.some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw new HubValidationError(
      `File name "${filename}" is not a relative path inside a repo (expected e.g. "config.json" or "data/train.parquet").`,
    );
  }
}

/** Throws unless `revision` is usable as a ref name and as a cache path. */
export function validateRevision(revision: string): void {
  if (revision === '' || revision.includes('..') || revision.startsWith('/') || revision.includes('\\')) {
    throw new HubValidationError(`Revision "${revision}" is not a branch, tag or commit hash.`);
  }
}

/** Cache folder name of a repo: `models--org--name` / `datasets--org--name` (Python's `repo_folder_name`). */
export function repoFolderName(repoId: string, repoType: RepoType): string {
  return [`${repoType}s`, ...repoId.split('/')].join('--');
}

/** A repo's page on the Hub: `{endpoint}/{repo}` for models, `{endpoint}/datasets/{repo}` for datasets. */
export function repoUrl(endpoint: string, repoId: string, repoType: RepoType): string {
  return `${endpoint}/${repoType === 'dataset' ? 'datasets/' : ''}${repoId}`;
}

/** Encodes each path segment but keeps the slashes (Python's `quote(filename)`). */
function quotePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** `{endpoint}/{datasets/}{repo}/resolve/{revision}/{file}` (Python's `hf_hub_url`). */
export function hubFileUrl(
  endpoint: string,
  repoId: string,
  repoType: RepoType,
  revision: string,
  filename: string,
): string {
  return `${repoUrl(endpoint, repoId, repoType)}/resolve/${encodeURIComponent(revision)}/${quotePath(filename)}`;
}

/** `{endpoint}/api/{models|datasets}/{repo}/revision/{revision}`: commit sha and file list. */
export function hubRevisionApiUrl(
  endpoint: string,
  repoId: string,
  repoType: RepoType,
  revision: string,
): string {
  return `${endpoint}/api/${repoType}s/${repoId}/revision/${encodeURIComponent(revision)}`;
}

/** `{endpoint}/api/{models|datasets}/{repo}/tree/{revision}/{path}`: one folder's entries. */
export function hubTreeApiUrl(
  endpoint: string,
  repoId: string,
  repoType: RepoType,
  revision: string,
  path: string,
  recursive: boolean,
): string {
  const suffix = path === '' ? '' : `/${quotePath(path)}`;
  return `${endpoint}/api/${repoType}s/${repoId}/tree/${encodeURIComponent(revision)}${suffix}${recursive ? '?recursive=true' : ''}`;
}
