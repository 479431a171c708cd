/**
 * Creating repos and branches (Python's `HfApi.create_repo` and `HfApi.create_branch`).
 */
import { HubAuthError, HubConflictError, HubError, HubValidationError } from './errors.js';
import { type RepoType, repoUrl, validateRepoId, validateRevision } from './repo.js';
import { whoami } from './whoami.js';
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

/** Options of {@link createRepo}. */
export interface CreateRepoOptions extends RepoWriteOptions {
  /** Create the repo private (default: the Hub's default for the namespace, public on the free plan). */
  readonly private?: boolean;
  /** A repo that already exists is not an error (Python's `exist_ok`). */
  readonly existOk?: boolean;
}

/** Where a repo lives (Python's `RepoUrl`). */
export interface RepoUrl {
  /** `{endpoint}/{datasets/}{namespace}/{name}`. */
  readonly url: string;
  /** `namespace/name`: a repo id given without a namespace gets the user's. */
  readonly repoId: string;
  readonly repoType: RepoType;
  readonly endpoint: string;
}

function checkRepoType(repoType: RepoType): void {
  if (repoType !== 'model' && repoType !== 'dataset') {
    throw new HubValidationError(`repoType must be "model" or "dataset", got ${JSON.stringify(repoType)}.`);
  }
}

/** The repo id a repo URL names, or undefined when the URL is not on `endpoint`. */
function repoIdFromUrl(url: string, endpoint: string, repoType: RepoType): string | undefined {
  const prefix = repoUrl(endpoint, '', repoType); // `{endpoint}/` or `{endpoint}/datasets/`
  if (!url.startsWith(prefix)) return undefined;
  const id = url.slice(prefix.length).replace(/\/+$/, '');
  return /^[^/]+\/[^/]+$/.test(id) ? id : undefined;
}

/**
 * Creates a model or dataset repo. With `existOk`, a repo that exists already (409) is returned as is;
 * without it that is a `HubConflictError`. A repo id without a namespace is created under the token's user.
 *
 * @example
 * ```ts
 * const repo = await createRepo('my-user/bert-finetuned-ner', { private: true, existOk: true });
 * console.log(repo.url);
 * ```
 */
export async function createRepo(repoId: string, options: CreateRepoOptions = {}): Promise<RepoUrl> {
  checkOptionNames(options, 'createRepo');
  validateRepoId(repoId);
  const repoType = options.repoType ?? 'model';
  checkRepoType(repoType);
  const resolved = resolveWriteOptions(options, `create the ${repoType} repo "${repoId}"`);
  const slash = repoId.indexOf('/');
  const organization = slash === -1 ? undefined : repoId.slice(0, slash);
  const name = slash === -1 ? repoId : repoId.slice(slash + 1);
  const payload: Record<string, unknown> = { name, organization: organization ?? null };
  if (options.private !== undefined) payload.private = options.private;
  if (repoType !== 'model') payload.type = repoType;
  const url = `${resolved.endpoint}/api/repos/create`;
  const fallbackUrl = repoUrl(resolved.endpoint, repoId, repoType);
  try {
    const response = await postJson(url, payload, { action: 'create the repo', repoId, repoType }, resolved);
    const body = await readJsonObject(response, url);
    const pageUrl = typeof body.url === 'string' ? body.url : fallbackUrl;
    const finalId = repoIdFromUrl(pageUrl, resolved.endpoint, repoType) ?? repoId;
    return { url: pageUrl, repoId: finalId, repoType, endpoint: resolved.endpoint };
  } catch (error) {
    // Python's rule: a token that may not create repos in an organization still "creates" one that exists.
    if (
      error instanceof HubAuthError &&
      options.existOk === true &&
      (await repoIsVisible(repoId, repoType, resolved))
    ) {
      return { url: fallbackUrl, repoId, repoType, endpoint: resolved.endpoint };
    }
    if (error instanceof HubConflictError && options.existOk === true) {
      // The repo exists; a bare name lives under the token's user.
      const { token, endpoint, retry, timeoutMs } = options;
      const fullId =
        organization === undefined
          ? `${(await whoami({ token, endpoint, retry, timeoutMs })).name}/${name}`
          : repoId;
      return {
        url: repoUrl(resolved.endpoint, fullId, repoType),
        repoId: fullId,
        repoType,
        endpoint: resolved.endpoint,
      };
    }
    if (error instanceof HubConflictError && options.existOk !== true) {
      error.message += ' Pass existOk: true to use the existing repo.';
    }
    throw error;
  }
}

/** True when the token can read the repo (its revision API answers). */
async function repoIsVisible(
  repoId: string,
  repoType: RepoType,
  options: ResolvedWriteOptions,
): Promise<boolean> {
  try {
    const response = await sendWriteRequest(
      {
        url: repoApiUrl(options.endpoint, repoType, repoId, 'revision', 'main'),
        method: 'GET',
        retryOn: 'idempotent',
      },
      { action: 'check that the repo exists', repoId, repoType },
      options,
    );
    await response.body?.cancel();
    return true;
  } catch (error) {
    if (error instanceof HubError) return false;
    throw error;
  }
}

/** Options of {@link createBranch}. */
export interface CreateBranchOptions extends RepoWriteOptions {
  /** Branch, tag or commit the new branch starts from (default: the head of `main`). */
  readonly revision?: string;
  /** A branch that already exists is not an error. */
  readonly existOk?: boolean;
}

/** Creates branch `branch` in a repo (Python's `HfApi.create_branch`), so uploads can target it. */
export async function createBranch(
  repoId: string,
  branch: string,
  options: CreateBranchOptions = {},
): Promise<void> {
  checkOptionNames(options, 'createBranch');
  validateRepoId(repoId);
  validateRevision(branch);
  if (options.revision !== undefined) validateRevision(options.revision);
  const repoType = options.repoType ?? 'model';
  checkRepoType(repoType);
  const resolved = resolveWriteOptions(options, `create branch "${branch}" in "${repoId}"`);
  const payload = options.revision === undefined ? {} : { startingPoint: options.revision };
  try {
    const response = await postJson(
      repoApiUrl(resolved.endpoint, repoType, repoId, 'branch', branch),
      payload,
      { action: `create branch "${branch}"`, repoId, repoType },
      resolved,
    );
    await response.body?.cancel();
  } catch (error) {
    if (error instanceof HubConflictError && options.existOk === true) return;
    throw error;
  }
}
