/**
 * @ner/hub: resolve Hugging Face Hub model and dataset ids to local files, sharing Python's
 * huggingface_hub cache (`$HF_HOME/hub/{models|datasets}--org--name/{blobs,snapshots,refs}`).
 */
export { resolveFile, resolveFiles } from './resolve-file.js';
export { listRepoFiles, listRepoTree, type RepoListing, type RepoTreeEntry } from './list-files.js';
export { DEFAULT_TIMEOUT_MS, HUB_OPTION_NAMES, type HubOptions } from './options.js';
export { pickHubOptions } from './option-names.js';
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
  type EnvironmentVariables,
} from './env.js';
export { whoami, login, logout, tokenPath, type WhoAmI, type LoginOptions } from './whoami.js';
export {
  createRepo,
  createBranch,
  type CreateRepoOptions,
  type CreateBranchOptions,
  type RepoUrl,
} from './create-repo.js';
export type { HubWriteOptions, RepoWriteOptions } from './write-request.js';
export type {
  CommitOperation,
  CommitOperationAdd,
  CommitOperationDelete,
  UploadInfo,
} from './commit-operations.js';
export { createCommit, type CommitInfo, type CreateCommitOptions } from './create-commit.js';
export {
  uploadFile,
  uploadFolder,
  filterRepoPaths,
  type UploadFileOptions,
  type UploadFolderOptions,
} from './upload-folder.js';
export {
  renderModelCard,
  writeModelCard,
  modelCardMetadata,
  makeMarkdownTable,
  parseLogHistory,
  type TrainingSummary,
  type CardValue,
  type LogHistoryEntry,
} from './model-card.js';
export type { YamlValue } from './model-card-yaml.js';
export {
  EntryNotFoundError,
  HubConflictError,
  HubPayloadTooLargeError,
  HubUploadError,
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
  OfflineModeIsEnabled,
  RepositoryNotFoundError,
  RevisionNotFoundError,
} from './errors.js';
