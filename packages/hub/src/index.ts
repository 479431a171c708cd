/**
 * @ner/hub: resolve Hugging Face Hub model and dataset ids to local files, sharing Python's
 * huggingface_hub cache (`$HF_HOME/hub/{models|datasets}--org--name/{blobs,snapshots,refs}`).
 */
export { resolveFile, resolveFiles } from './resolve-file.js';
export { listRepoFiles, listRepoTree, type RepoListing, type RepoTreeEntry } from './list-files.js';
export { DEFAULT_TIMEOUT_MS, type HubOptions } from './options.js';
export type { RetryOptions } from './http.js';
export type { ProgressOptions } from './progress.js';
export { CACHED_NO_EXIST, repoCacheDir, tryLoadFromCache } from './cache.js';
export { type RepoType, hubFileUrl, isCommitHash, repoFolderName } from './repo.js';
export {
  defaultCacheDir,
  defaultEndpoint,
  defaultToken,
  hfHome,
  isOfflineMode,
  DEFAULT_ENDPOINT,
  DEFAULT_STALL_TIMEOUT_MS,
  defaultStallTimeoutMs,
} from './env.js';
export {
  EntryNotFoundError,
  GatedRepoError,
  HubAuthError,
  HubError,
  HubHttpError,
  HubIntegrityError,
  HubResponseError,
  HubResponseTooLargeError,
  HubTimeoutError,
  HubValidationError,
  LocalEntryNotFoundError,
  RepositoryNotFoundError,
  RevisionNotFoundError,
} from './errors.js';
