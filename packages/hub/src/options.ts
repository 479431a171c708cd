/**
 * Options shared by every call that reaches the Hub, and their defaults from the environment.
 */
import { defaultCacheDir, defaultEndpoint, defaultToken, isOfflineMode } from './env.js';
import type { RetryOptions } from './http.js';
import type { ProgressOptions } from './progress.js';
import { type RepoType, validateRevision } from './repo.js';

/** How to reach the Hub and where to cache; every field is optional. */
export interface HubOptions extends ProgressOptions {
  /** `'model'` (default) or `'dataset'`. */
  readonly repoType?: RepoType;
  /** Branch, tag or commit hash (default `'main'`). */
  readonly revision?: string;
  /** Cache folder (default `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`). */
  readonly cacheDir?: string;
  /** Access token; default `$HF_TOKEN` or the saved login token; `false` sends none. */
  readonly token?: string | false;
  /** Hub URL (default `$HF_ENDPOINT`, else `https://huggingface.co`). */
  readonly endpoint?: string;
  /** Use only the cache, like `HF_HUB_OFFLINE=1` (Python's `local_files_only`). */
  readonly localFilesOnly?: boolean;
  /** Retry policy for transient failures. */
  readonly retry?: RetryOptions;
}

/** {@link HubOptions} with every default filled in. */
export interface ResolvedHubOptions {
  readonly repoType: RepoType;
  readonly revision: string;
  readonly cacheDir: string;
  readonly token: string | undefined;
  readonly endpoint: string;
  readonly offline: boolean;
  readonly retry: RetryOptions;
  readonly progress: ProgressOptions;
}

/** Fills in defaults (read from the environment now, not at import time). */
export function resolveHubOptions(options: HubOptions = {}): ResolvedHubOptions {
  const revision = options.revision ?? 'main';
  validateRevision(revision);
  const repoType = options.repoType ?? 'model';
  if (repoType !== 'model' && repoType !== 'dataset') {
    throw new TypeError(`repoType must be "model" or "dataset", got ${JSON.stringify(repoType)}`);
  }
  const progress: { progress?: boolean; log?: (line: string) => void } = {};
  if (options.progress !== undefined) progress.progress = options.progress;
  if (options.log !== undefined) progress.log = options.log;
  return {
    repoType,
    revision,
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    token: options.token === false ? undefined : (options.token ?? defaultToken()),
    endpoint: (options.endpoint ?? defaultEndpoint()).replace(/\/+$/, ''),
    offline: options.localFilesOnly === true || isOfflineMode(),
    retry: options.retry ?? {},
    progress,
  };
}
