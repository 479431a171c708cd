/**
 * Options shared by every call that reaches the Hub, and their defaults from the environment.
 */
import {
  defaultCacheDir,
  defaultEndpoint,
  defaultStallTimeoutMs,
  defaultToken,
  isOfflineMode,
} from './env.js';
import type { ListIsWhole, UnlistedOptions } from '../../../tools/option-names/index.js';
import { HubValidationError } from './errors.js';
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
  /**
   * Longest time one metadata or API request may take, headers and JSON body together, per attempt
   * (default 60 000 ms). Timed-out attempts are retried like dropped connections.
   */
  readonly timeoutMs?: number;
  /**
   * A download (or the wait for its response headers) that delivers no byte for this long is aborted and
   * resumed with a `Range` request, as one attempt of `retry` (default `$HF_HUB_DOWNLOAD_TIMEOUT` seconds,
   * else 60 000 ms). A slow download that keeps delivering bytes is never cut.
   */
  readonly stallTimeoutMs?: number;
}

/**
 * Every option of {@link HubOptions}, for the packages that take them among their own and check
 * option names (`fromPretrained` of a model or tokenizer).
 */
export const HUB_OPTION_NAMES = [
  'repoType',
  'revision',
  'cacheDir',
  'token',
  'endpoint',
  'localFilesOnly',
  'retry',
  'timeoutMs',
  'stallTimeoutMs',
  'progress',
  'log',
] as const satisfies readonly (keyof HubOptions)[];

/** A compile error here names an option to add to HUB_OPTION_NAMES. */
export const hubOptionNamesAreWhole: ListIsWhole<UnlistedOptions<HubOptions, typeof HUB_OPTION_NAMES>> = true;

/** Default of {@link HubOptions.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 60_000;

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
  readonly timeoutMs: number;
  readonly stallTimeoutMs: number;
}

/** A positive, finite number of milliseconds, or the HubValidationError that names the option. */
function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new HubValidationError(
      `Option "${name}" must be a positive number of milliseconds, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
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
    timeoutMs: positiveMs('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
    stallTimeoutMs: positiveMs('stallTimeoutMs', options.stallTimeoutMs, defaultStallTimeoutMs()),
  };
}
