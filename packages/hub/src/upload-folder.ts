/**
 * `uploadFile` and `uploadFolder`: the everyday front of {@link createCommit}, with Python's defaults
 * (commit messages, `allow_patterns` / `ignore_patterns` / `delete_patterns` as fnmatch globs, `.git`
 * and `.cache/huggingface` never uploaded).
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { CommitOperation } from './commit-operations.js';
import { type CommitInfo, type CreateCommitOptions, createCommit } from './create-commit.js';
import { HubValidationError } from './errors.js';
import { listRepoFiles } from './list-files.js';
import { checkOptionNames } from './option-names.js';

/** Options of {@link uploadFile}: those of {@link createCommit}, with a default commit message. */
export type UploadFileOptions = Omit<CreateCommitOptions, 'commitMessage'> & {
  readonly commitMessage?: string;
};

/**
 * Uploads one file (a local path or bytes) to `pathInRepo` in one commit.
 *
 * @example
 * ```ts
 * await uploadFile('my-user/my-model', 'README.md', './out/README.md');
 * ```
 */
export async function uploadFile(
  repoId: string,
  pathInRepo: string,
  pathOrBytes: string | Uint8Array,
  options: UploadFileOptions = {},
): Promise<CommitInfo> {
  checkOptionNames(options, 'uploadFile');
  return createCommit(repoId, [{ kind: 'add', pathInRepo, pathOrBytes }], {
    ...options,
    commitMessage: options.commitMessage ?? `Upload ${pathInRepo} with @ner/hub`,
  });
}

/** Options of {@link uploadFolder}. */
export type UploadFolderOptions = UploadFileOptions & {
  /** Folder in the repo to upload into (default: the repo root). */
  readonly pathInRepo?: string;
  /** Only files matching one of these globs are uploaded (fnmatch: `*` crosses `/`; `dir/` means `dir/*`). */
  readonly allowPatterns?: string | readonly string[];
  /** Files matching one of these globs are not uploaded. */
  readonly ignorePatterns?: string | readonly string[];
  /** Remote files matching these globs (relative to `pathInRepo`) are deleted in the same commit unless re-uploaded. */
  readonly deletePatterns?: string | readonly string[];
};

/** Never uploaded, as in Python (`DEFAULT_IGNORE_PATTERNS`). */
const DEFAULT_IGNORE = [
  '.git',
  '.git/*',
  '*/.git',
  '**/.git/**',
  '.cache/huggingface',
  '.cache/huggingface/*',
  '*/.cache/huggingface',
  '**/.cache/huggingface/**',
];
/** Files one folder upload may list; a folder beyond this is most likely the wrong one. */
const MAX_FOLDER_FILES = 100_000;

/** Python's `fnmatch.fnmatchcase` as a RegExp: `*` any run (slashes too), `?` one character, `[...]` a set. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) source += '\\[';
      else {
        let set = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        source += `[${set}]`;
        i = close;
      }
    } else source += char.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

function patternList(patterns: string | readonly string[] | undefined): RegExp[] | undefined {
  if (patterns === undefined) return undefined;
  const list = typeof patterns === 'string' ? [patterns] : patterns;
  // A folder pattern means everything below it (Python's `_add_wildcard_to_directories`).
  return list.map((pattern) => globToRegExp(pattern.endsWith('/') ? `${pattern}*` : pattern));
}

/** Python's `filter_repo_objects`: kept when some allow pattern matches (if any) and no ignore pattern does. */
export function filterRepoPaths(
  paths: readonly string[],
  allowPatterns?: string | readonly string[],
  ignorePatterns?: string | readonly string[],
): string[] {
  const allow = patternList(allowPatterns);
  const ignore = patternList(ignorePatterns) ?? [];
  return paths.filter(
    (path) =>
      (allow === undefined || allow.some((re) => re.test(path))) && !ignore.some((re) => re.test(path)),
  );
}

/** Every regular file under `root` as a `/`-separated relative path (symlinked folders are not followed). */
function listLocalFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (
        entry.isFile() ||
        (entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isFile())
      ) {
        out.push(relative(root, full).split(sep).join('/'));
        if (out.length > MAX_FOLDER_FILES) {
          throw new HubValidationError(
            `"${root}" holds more than ${MAX_FOLDER_FILES} files; upload a smaller folder.`,
          );
        }
      }
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Uploads the files of a local folder in one commit (Python's `HfApi.upload_folder`), filtered by
 * `allowPatterns` / `ignorePatterns`, optionally deleting remote files that match `deletePatterns`.
 *
 * @example
 * ```ts
 * await uploadFolder('my-user/my-model', './out', { ignorePatterns: ['checkpoint-*'] });
 * ```
 */
export async function uploadFolder(
  repoId: string,
  folderPath: string,
  options: UploadFolderOptions = {},
): Promise<CommitInfo> {
  checkOptionNames(options, 'uploadFolder');
  if (!lstatSync(folderPath, { throwIfNoEntry: false })?.isDirectory()) {
    throw new HubValidationError(
      `"${folderPath}" is not a folder; uploadFolder needs one (uploadFile takes a file).`,
    );
  }
  const prefix = (options.pathInRepo ?? '').replace(/^\.?\/+|\/+$/g, '');
  const ignore = [
    ...DEFAULT_IGNORE,
    ...(typeof options.ignorePatterns === 'string'
      ? [options.ignorePatterns]
      : (options.ignorePatterns ?? [])),
  ];
  const files = filterRepoPaths(listLocalFiles(folderPath), options.allowPatterns, ignore);
  const inRepo = (path: string) => (prefix === '' ? path : `${prefix}/${path}`);
  const operations: CommitOperation[] = files.map((path) => ({
    kind: 'add',
    pathInRepo: inRepo(path),
    pathOrBytes: join(folderPath, ...path.split('/')),
  }));
  if (options.deletePatterns !== undefined) {
    const uploaded = new Set(operations.map((operation) => operation.pathInRepo));
    const remote = await listRepoFiles(repoId, {
      repoType: options.repoType,
      revision: options.revision,
      endpoint: options.endpoint,
      token: options.token,
      retry: options.retry,
      timeoutMs: options.timeoutMs,
    });
    const base = prefix === '' ? '' : `${prefix}/`;
    const candidates = remote.files
      .filter((path) => path.startsWith(base))
      .map((path) => path.slice(base.length));
    for (const path of filterRepoPaths(candidates, options.deletePatterns)) {
      // .gitattributes keeps LFS working; Python never deletes it this way either.
      if (path !== '.gitattributes' && !uploaded.has(inRepo(path)))
        operations.push({ kind: 'delete', pathInRepo: inRepo(path) });
    }
  }
  if (operations.length === 0) {
    throw new HubValidationError(
      `Nothing to upload from "${folderPath}" after allowPatterns/ignorePatterns.`,
    );
  }
  const {
    pathInRepo: _pathInRepo,
    allowPatterns: _allow,
    ignorePatterns: _ignore,
    deletePatterns: _delete,
    ...commit
  } = options;
  return createCommit(repoId, operations, {
    ...commit,
    commitMessage: options.commitMessage ?? 'Upload folder using @ner/hub',
  });
}
