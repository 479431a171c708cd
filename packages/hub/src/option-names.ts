/**
 * The option names of each function, checked as Python checks keyword arguments:
 * `hf_hub_download(repo_id, f, revison='v1')` is a `TypeError` there, where here the typo would
 * download `main` without a word.
 */
import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
  unexpectedKeywordMessage,
} from '../../../tools/option-names/index.js';
import type { CreateCommitOptions } from './create-commit.js';
import type { CreateBranchOptions, CreateRepoOptions } from './create-repo.js';
import { HubValidationError } from './errors.js';
import { HUB_OPTION_NAMES, type HubOptions } from './options.js';
import type { UploadFolderOptions } from './upload-folder.js';
import type { LoginOptions } from './whoami.js';
import type { HubWriteOptions, RepoWriteOptions } from './write-request.js';

const WRITE_NAMES = [
  'token',
  'endpoint',
  'retry',
  'timeoutMs',
] as const satisfies readonly (keyof HubWriteOptions)[];
const REPO_WRITE_NAMES = [...WRITE_NAMES, 'repoType'] as const satisfies readonly (keyof RepoWriteOptions)[];
const CREATE_REPO_NAMES = [
  ...REPO_WRITE_NAMES,
  'private',
  'existOk',
] as const satisfies readonly (keyof CreateRepoOptions)[];
const CREATE_BRANCH_NAMES = [
  ...REPO_WRITE_NAMES,
  'revision',
  'existOk',
] as const satisfies readonly (keyof CreateBranchOptions)[];
const COMMIT_NAMES = [
  ...REPO_WRITE_NAMES,
  'progress',
  'log',
  'revision',
  'commitMessage',
  'commitDescription',
  'parentCommit',
  'createPr',
  'maxConcurrentUploads',
  'stallTimeoutMs',
] as const satisfies readonly (keyof CreateCommitOptions)[];
const UPLOAD_FOLDER_NAMES = [
  ...COMMIT_NAMES,
  'pathInRepo',
  'allowPatterns',
  'ignorePatterns',
  'deletePatterns',
] as const satisfies readonly (keyof UploadFolderOptions)[];
const LOGIN_NAMES = [
  'endpoint',
  'retry',
  'timeoutMs',
  'tokenPath',
] as const satisfies readonly (keyof LoginOptions)[];

/** A compile error here names an option to add to one of the lists above. */
export const hubFunctionOptionNamesAreWhole: ListIsWhole<
  | UnlistedOptions<HubWriteOptions, typeof WRITE_NAMES>
  | UnlistedOptions<CreateRepoOptions, typeof CREATE_REPO_NAMES>
  | UnlistedOptions<CreateBranchOptions, typeof CREATE_BRANCH_NAMES>
  | UnlistedOptions<CreateCommitOptions, typeof COMMIT_NAMES>
  | UnlistedOptions<UploadFolderOptions, typeof UPLOAD_FOLDER_NAMES>
  | UnlistedOptions<LoginOptions, typeof LOGIN_NAMES>
> = true;

/** `hf_hub_download` arguments a download has no counterpart for, and what to do instead. */
const DOWNLOAD_UNSUPPORTED = {
  forceDownload: {
    reason:
      'the cache is trusted once a file is in it; delete the file from the cache, or pass another cacheDir',
  },
  localDir: { reason: 'files stay in the cache; copy the returned path where you need it' },
  subfolder: { reason: "put the folder in the file name ('sub/config.json')" },
  etagTimeout: { reason: 'timeoutMs bounds every metadata request' },
  userAgent: { reason: 'requests carry the package version as their user agent', harmless: 'any' },
  resumeDownload: { reason: 'interrupted downloads always resume', harmless: [true, false, null] },
} as const;

/** The options of each function, by the name its errors use. */
const OPTION_NAMES = {
  resolveFile: { known: HUB_OPTION_NAMES, unsupported: DOWNLOAD_UNSUPPORTED },
  resolveFiles: { known: HUB_OPTION_NAMES, unsupported: DOWNLOAD_UNSUPPORTED },
  listRepoFiles: { known: HUB_OPTION_NAMES },
  listRepoTree: { known: [...HUB_OPTION_NAMES, 'recursive'] },
  whoami: { known: WRITE_NAMES },
  login: { known: LOGIN_NAMES },
  logout: { known: ['tokenPath'] },
  createRepo: { known: CREATE_REPO_NAMES },
  createBranch: { known: CREATE_BRANCH_NAMES },
  createCommit: { known: COMMIT_NAMES },
  uploadFile: { known: COMMIT_NAMES },
  uploadFolder: { known: UPLOAD_FOLDER_NAMES },
} as const satisfies Record<string, OptionNames>;

/**
 * Throws {@link HubValidationError} for the first option `fn` does not take, worded as Python's
 * `TypeError` and saying what was meant (the camelCase name of a Python spelling, the closest
 * name of a typo, or why a Python option has no counterpart).
 */
export function checkOptionNames(options: unknown, fn: keyof typeof OPTION_NAMES): void {
  assertOptionNames(
    options,
    OPTION_NAMES[fn],
    (name, problem) => new HubValidationError(unexpectedKeywordMessage(fn, name, problem)),
  );
}

/**
 * The {@link HubOptions} in `options`, for a package whose own options carry them among others
 * (a model's `fromPretrained`): what it hands to `resolveFile` and the other readers, which refuse
 * names they do not take.
 */
export function pickHubOptions(options: HubOptions): HubOptions {
  const picked: Record<string, unknown> = {};
  for (const name of HUB_OPTION_NAMES) {
    if (Object.hasOwn(options, name) && options[name] !== undefined) picked[name] = options[name];
  }
  return picked as HubOptions;
}
