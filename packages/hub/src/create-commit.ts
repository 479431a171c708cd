/**
 * One commit of many files (Python's `HfApi.create_commit`): a preupload check sorts added files into
 * "regular" (sent inline, base64, in the commit itself) and "lfs" (stored first through the LFS batch API);
 * then one NDJSON request creates the commit. The commit is the last step, so a failed upload leaves the
 * repo as it was.
 */
import {
  type CommitOperation,
  type CommitOperationAdd,
  computeUploadInfo,
  readContent,
  type UploadInfo,
  validatePathInRepo,
} from './commit-operations.js';
import { defaultStallTimeoutMs } from './env.js';
import { HubResponseError, HubValidationError } from './errors.js';
import { type LfsFile, uploadLfsFiles } from './lfs-upload.js';
import type { ProgressOptions } from './progress.js';
import { type RepoType, repoUrl, validateRepoId, validateRevision } from './repo.js';
import {
  type RepoWriteOptions,
  type ResolvedWriteOptions,
  postJson,
  readJsonObject,
  repoApiUrl,
  resolveWriteOptions,
  sendWriteRequest,
} from './write-request.js';
import { checkOptionNames } from './option-names.js';

/** Options of {@link createCommit}. */
export interface CreateCommitOptions extends RepoWriteOptions, ProgressOptions {
  /** The branch to commit to (default `'main'`); it must exist (see `createBranch`). */
  readonly revision?: string;
  /** The commit's summary line (required by the Hub). */
  readonly commitMessage: string;
  /** The commit's longer description. */
  readonly commitDescription?: string;
  /** Refuse (409) unless the branch head is still this commit, so concurrent pushes cannot interleave. */
  readonly parentCommit?: string;
  /** Open a pull request with the changes instead of committing to the branch. */
  readonly createPr?: boolean;
  /** LFS files uploaded at the same time (default 4). */
  readonly maxConcurrentUploads?: number;
  /** An LFS upload that moves no byte this long is aborted and retried (default `$HF_HUB_DOWNLOAD_TIMEOUT` or 60 s). */
  readonly stallTimeoutMs?: number;
}

/** The commit that was made (Python's `CommitInfo`). */
export interface CommitInfo {
  /** `{endpoint}/{repo}/commit/{oid}`. */
  readonly commitUrl: string;
  /** The new commit's 40-hex-digit id. */
  readonly oid: string;
  readonly commitMessage: string;
  readonly commitDescription: string;
  /** The pull request's URL when `createPr` was set. */
  readonly prUrl?: string;
}

/**
 * Files the Hub keeps in git (not LFS) are sent inline, base64 in one request body; more than this in one
 * commit is refused before any is read (its base64 must fit in one JavaScript string).
 */
const MAX_INLINE_BYTES = 256 * 1024 ** 2;
/** Files per preupload request, as Python sends them. */
const PREUPLOAD_BATCH = 256;

interface PreuploadResult {
  readonly uploadMode: 'regular' | 'lfs';
  readonly shouldIgnore: boolean;
  /** The id of the file already at that path on the Hub, if any (git sha1, or sha256 for LFS). */
  readonly remoteOid: string | undefined;
}

/** Asks the Hub how each added file must travel (Python's `_fetch_upload_modes`). */
async function fetchUploadModes(
  additions: readonly { operation: CommitOperationAdd; info: UploadInfo }[],
  target: { repoId: string; repoType: RepoType; revision: string; createPr: boolean },
  options: ResolvedWriteOptions,
): Promise<Map<string, PreuploadResult>> {
  const modes = new Map<string, PreuploadResult>();
  const query = target.createPr ? '?create_pr=1' : '';
  const url = `${repoApiUrl(options.endpoint, target.repoType, target.repoId, 'preupload', target.revision)}${query}`;
  for (let at = 0; at < additions.length; at += PREUPLOAD_BATCH) {
    const files = additions.slice(at, at + PREUPLOAD_BATCH).map(({ operation, info }) => ({
      path: operation.pathInRepo,
      sample: Buffer.from(info.sample).toString('base64'),
      size: info.size,
    }));
    const response = await postJson(
      url,
      { files },
      { action: 'check the files before upload (preupload)', ...target },
      options,
    );
    const body = await readJsonObject(response, url);
    if (!Array.isArray(body.files)) throw new HubResponseError(`${url} answered without "files".`, url);
    for (const file of body.files as {
      path?: unknown;
      uploadMode?: unknown;
      shouldIgnore?: unknown;
      oid?: unknown;
    }[]) {
      if (typeof file?.path !== 'string' || (file.uploadMode !== 'regular' && file.uploadMode !== 'lfs')) {
        throw new HubResponseError(`${url} answered a file entry without "path" and "uploadMode".`, url);
      }
      modes.set(file.path, {
        uploadMode: file.uploadMode,
        shouldIgnore: file.shouldIgnore === true,
        remoteOid: typeof file.oid === 'string' ? file.oid : undefined,
      });
    }
  }
  for (const { operation } of additions) {
    if (!modes.has(operation.pathInRepo)) {
      throw new HubResponseError(`${url} said nothing about "${operation.pathInRepo}".`, url);
    }
  }
  return modes;
}

/** Checks operations before anything is read or sent: valid paths, no file added twice. */
function validateOperations(operations: readonly CommitOperation[]): void {
  if (operations.length === 0) throw new HubValidationError('A commit needs at least one operation.');
  const added = new Set<string>();
  for (const operation of operations) {
    if (operation.kind !== 'add' && operation.kind !== 'delete') {
      throw new HubValidationError(
        `Unknown commit operation kind ${JSON.stringify((operation as { kind: unknown }).kind)}.`,
      );
    }
    validatePathInRepo(operation.pathInRepo);
    if (operation.kind === 'add') {
      if (added.has(operation.pathInRepo)) {
        throw new HubValidationError(`"${operation.pathInRepo}" is added twice in one commit.`);
      }
      added.add(operation.pathInRepo);
    }
  }
}

/**
 * Nothing changed: no empty commit is made (Python warns and skips too); the branch head is returned.
 */
async function noChangeCommit(
  repoId: string,
  repoType: RepoType,
  revision: string,
  commitMessage: string,
  options: CreateCommitOptions,
  resolved: ResolvedWriteOptions,
): Promise<CommitInfo> {
  (options.log ?? console.warn)(
    `No files have been modified since the last commit to "${repoId}"; no commit was made.`,
  );
  const url = repoApiUrl(resolved.endpoint, repoType, repoId, 'revision', revision);
  const response = await sendWriteRequest(
    { url, method: 'GET', retryOn: 'idempotent' },
    { action: 'read the branch head', repoId, repoType, revision },
    resolved,
  );
  const body = await readJsonObject(response, url);
  if (typeof body.sha !== 'string' || !/^[0-9a-f]{40}$/.test(body.sha)) {
    throw new HubResponseError(`${url} answered without a valid "sha".`, url);
  }
  return {
    commitUrl: `${repoUrl(resolved.endpoint, repoId, repoType)}/commit/${body.sha}`,
    oid: body.sha,
    commitMessage,
    commitDescription: options.commitDescription ?? '',
  };
}

/** One NDJSON line of the commit payload. */
function line(key: string, value: Record<string, unknown>): string {
  return `${JSON.stringify({ key, value })}\n`;
}

/**
 * Creates one commit with `operations` on `revision` of a repo: small files inline, large ones through LFS,
 * exactly as `huggingface_hub` does, so the result is the same repo Python would make.
 *
 * @example
 * ```ts
 * await createCommit('my-user/my-model', [
 *   { kind: 'add', pathInRepo: 'config.json', pathOrBytes: './out/config.json' },
 *   { kind: 'add', pathInRepo: 'model.safetensors', pathOrBytes: './out/model.safetensors' },
 *   { kind: 'delete', pathInRepo: 'pytorch_model.bin' },
 * ], { commitMessage: 'Training in progress, epoch 1' });
 * ```
 */
export async function createCommit(
  repoId: string,
  operations: readonly CommitOperation[],
  options: CreateCommitOptions,
): Promise<CommitInfo> {
  checkOptionNames(options, 'createCommit');
  validateRepoId(repoId);
  const repoType = options.repoType ?? 'model';
  const revision = options.revision ?? 'main';
  validateRevision(revision);
  const commitMessage = options.commitMessage;
  if (typeof commitMessage !== 'string' || commitMessage.trim() === '') {
    throw new HubValidationError('A commit needs a non-empty "commitMessage".');
  }
  validateOperations(operations);
  const concurrency = options.maxConcurrentUploads ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new HubValidationError(
      `"maxConcurrentUploads" must be a positive integer, got ${String(concurrency)}.`,
    );
  }
  const stallTimeoutMs = options.stallTimeoutMs ?? defaultStallTimeoutMs();
  if (!Number.isFinite(stallTimeoutMs) || stallTimeoutMs <= 0) {
    throw new HubValidationError(
      `"stallTimeoutMs" must be a positive number, got ${String(stallTimeoutMs)}.`,
    );
  }
  const resolved = resolveWriteOptions(options, `commit to "${repoId}"`);
  const createPr = options.createPr === true;
  const target = { repoId, repoType, revision, createPr };

  const additions: LfsFile[] = [];
  for (const operation of operations) {
    if (operation.kind === 'add') additions.push({ operation, info: await computeUploadInfo(operation) });
  }
  const modes = additions.length === 0 ? new Map() : await fetchUploadModes(additions, target, resolved);
  // Empty files cannot go to LFS storage (S3 refuses them), so they always travel inline, as in Python.
  const isLfs = (file: LfsFile) =>
    file.info.size > 0 && modes.get(file.operation.pathInRepo)?.uploadMode === 'lfs';
  // Like Python, a file whose content is already at that path is not sent again (and not re-committed).
  const unchanged = (file: LfsFile) => {
    const remote = modes.get(file.operation.pathInRepo)?.remoteOid;
    return remote !== undefined && remote === (isLfs(file) ? file.info.sha256 : file.info.gitSha1);
  };
  const kept = additions.filter(
    (file) => modes.get(file.operation.pathInRepo)?.shouldIgnore !== true && !unchanged(file),
  );
  if (kept.length === 0 && !operations.some((operation) => operation.kind === 'delete')) {
    return noChangeCommit(repoId, repoType, revision, commitMessage, options, resolved);
  }
  const inlineBytes = kept.filter((file) => !isLfs(file)).reduce((sum, file) => sum + file.info.size, 0);
  if (inlineBytes > MAX_INLINE_BYTES) {
    throw new HubValidationError(
      `The Hub wants ${inlineBytes} bytes sent inline in one commit (limit ${MAX_INLINE_BYTES}); split the upload.`,
    );
  }
  await uploadLfsFiles(kept.filter(isLfs), {
    options: resolved,
    repoId,
    repoType,
    revision,
    stallTimeoutMs,
    concurrency,
    progress: { progress: options.progress, log: options.log },
  });

  const keptByOperation = new Map(kept.map((file) => [file.operation, file]));
  const header: Record<string, unknown> = {
    summary: commitMessage,
    description: options.commitDescription ?? '',
  };
  if (options.parentCommit !== undefined) header.parentCommit = options.parentCommit;
  const lines = [line('header', header)];
  for (const operation of operations) {
    if (operation.kind === 'delete') {
      lines.push(line(operation.isFolder ? 'deletedFolder' : 'deletedFile', { path: operation.pathInRepo }));
      continue;
    }
    const file = keptByOperation.get(operation);
    if (file === undefined) continue;
    if (isLfs(file)) {
      lines.push(
        line('lfsFile', {
          path: operation.pathInRepo,
          algo: 'sha256',
          oid: file.info.sha256,
          size: file.info.size,
        }),
      );
    } else {
      const content = (await readContent(operation)).toString('base64');
      lines.push(line('file', { content, path: operation.pathInRepo, encoding: 'base64' }));
    }
  }
  const payload = lines.join('');
  const url = `${repoApiUrl(resolved.endpoint, repoType, repoId, 'commit', revision)}${createPr ? '?create_pr=1' : ''}`;
  const response = await sendWriteRequest(
    {
      url,
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: () => payload,
      retryOn: 'unsafe',
    },
    { action: 'create the commit', repoId, repoType, revision },
    resolved,
  );
  const body = await readJsonObject(response, url);
  if (typeof body.commitOid !== 'string' || !/^[0-9a-f]{40}$/.test(body.commitOid)) {
    throw new HubResponseError(`${url} answered without a valid "commitOid".`, url);
  }
  const info: CommitInfo = {
    commitUrl:
      typeof body.commitUrl === 'string'
        ? body.commitUrl
        : `${repoUrl(resolved.endpoint, repoId, repoType)}/commit/${body.commitOid}`,
    oid: body.commitOid,
    commitMessage,
    commitDescription: options.commitDescription ?? '',
  };
  return typeof body.pullRequestUrl === 'string' ? { ...info, prUrl: body.pullRequestUrl } : info;
}
