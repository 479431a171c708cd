/**
 * Requests that change something on the Hub (create a repo, upload, commit) or need a token (whoami).
 * They differ from downloads in three ways: a token is required, so it is checked before any request;
 * 429 (rate limit) is retried as well as 5xx, honouring `Retry-After`; and a request that is not safe to
 * repeat (a commit) is retried only on answers that say the server did not act on it (429, 503).
 */
import { readBodyWithLimit } from './body.js';
import { defaultEndpoint, defaultToken, isOfflineMode } from './env.js';
import {
  EntryNotFoundError,
  GatedRepoError,
  HubAuthError,
  HubConflictError,
  HubError,
  HubHttpError,
  HubPayloadTooLargeError,
  HubResponseError,
  HubTimeoutError,
  HubValidationError,
  OfflineModeIsEnabled,
  RepositoryNotFoundError,
  RevisionNotFoundError,
} from './errors.js';
import {
  describeNetworkError,
  hubHeaders,
  isTimeoutAbort,
  type RetryOptions,
  readErrorBody,
  sleep,
} from './http.js';
import { DEFAULT_TIMEOUT_MS } from './options.js';
import type { RepoType } from './repo.js';

/** Options of every call that writes to the Hub or needs a token. */
export interface HubWriteOptions {
  /** Access token with write access; default `$HF_TOKEN`, else the token file `login` writes. */
  readonly token?: string;
  /** Hub URL (default `$HF_ENDPOINT`, else `https://huggingface.co`). */
  readonly endpoint?: string;
  /** Retry policy for 429 and 5xx answers and dropped connections (default 5 attempts, 1 s doubling to 8 s). */
  readonly retry?: RetryOptions;
  /** Longest time one API request may take, per attempt (default 60 000 ms). */
  readonly timeoutMs?: number;
}

/** {@link HubWriteOptions} with defaults filled in and a token known to be present. */
export interface ResolvedWriteOptions {
  readonly token: string;
  readonly endpoint: string;
  readonly retry: RetryOptions;
  readonly timeoutMs: number;
}

/**
 * Fills in defaults; throws {@link OfflineModeIsEnabled} in offline mode and {@link HubAuthError} when no
 * token can be found (both before any request).
 */
export function resolveWriteOptions(options: HubWriteOptions, action: string): ResolvedWriteOptions {
  if (isOfflineMode()) {
    throw new OfflineModeIsEnabled(
      `Cannot ${action}: HF_HUB_OFFLINE is set, so no request may reach the Hub. Unset it to upload.`,
    );
  }
  const token = options.token ?? defaultToken();
  if (token === undefined || token.trim() === '') {
    throw new HubAuthError(
      `A token is needed to ${action}, and none was found. Pass the "token" option, set HF_TOKEN, or log in ` +
        'once with `ner login` (or `huggingface-cli login`: both write the same token file).',
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new HubValidationError(`Option "timeoutMs" must be a positive number, got ${String(timeoutMs)}.`);
  }
  return {
    token: token.trim(),
    endpoint: (options.endpoint ?? defaultEndpoint()).replace(/\/+$/, ''),
    retry: options.retry ?? {},
    timeoutMs,
  };
}

/** Options of a write to one repo: {@link HubWriteOptions} and which kind of repo. */
export interface RepoWriteOptions extends HubWriteOptions {
  /** `'model'` (default) or `'dataset'`. */
  readonly repoType?: RepoType;
}

/** What a write is about, so errors can say it. */
export interface WriteTarget {
  /** What was being done, as a verb phrase: "create a commit", "create the repo". */
  readonly action: string;
  readonly repoId?: string;
  readonly repoType?: RepoType;
  readonly revision?: string;
}

/** One request; `body` is a factory so each retry sends a fresh body. */
export interface WriteRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly headers?: Record<string, string>;
  readonly body?: () => string | Uint8Array;
  /** `'idempotent'` retries 429, 5xx and dropped connections; `'unsafe'` (commits) only 429 and 503. */
  readonly retryOn: 'idempotent' | 'unsafe';
  /** Send no token: the URL is not on the Hub's origin (an LFS completion or verify URL elsewhere). */
  readonly anonymous?: boolean;
}

const IDEMPOTENT_RETRY = new Set([429, 500, 502, 503, 504]);
const UNSAFE_RETRY = new Set([429, 503]);
/** Longest `Retry-After` honoured; a server asking for more gets an error instead of a silent hour. */
const MAX_RETRY_AFTER_MS = 60_000;

/** The wait before attempt `attempt + 1`: exponential backoff, or `Retry-After` when the server asks for longer. */
function backoffMs(attempt: number, retry: RetryOptions, retryAfter: string | null): number {
  const base = retry.baseDelayMs ?? 1000;
  const exponential = Math.min(retry.maxDelayMs ?? 8000, base * 2 ** (attempt - 1));
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  if (!Number.isFinite(seconds) || seconds < 0) return exponential;
  return Math.max(exponential, Math.min(MAX_RETRY_AFTER_MS, seconds * 1000));
}

/**
 * Sends `request` with the token, retrying what may be retried, and returns the successful response;
 * any error status becomes the typed error that fits it (see {@link raiseForWriteStatus}).
 */
export async function sendWriteRequest(
  request: WriteRequest,
  target: WriteTarget,
  options: ResolvedWriteOptions,
): Promise<Response> {
  const attempts = Math.max(1, options.retry.attempts ?? 5);
  const retryStatuses = request.retryOn === 'idempotent' ? IDEMPOTENT_RETRY : UNSAFE_RETRY;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    let retryAfter: string | null = null;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: hubHeaders(request.anonymous === true ? undefined : options.token, request.headers),
        body: request.body?.(),
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'manual',
      });
      if (!retryStatuses.has(response.status) || attempt === attempts) {
        await raiseForWriteStatus(response, request.url, target);
        return response;
      }
      retryAfter = response.headers.get('retry-after');
      await response.body?.cancel();
    } catch (error) {
      if (error instanceof HubError) throw error;
      // A commit that may have reached the server is not sent twice.
      if (request.retryOn === 'unsafe') throw networkError(request.url, target, 1, error, options);
      lastError = error;
      if (attempt === attempts) break;
    }
    await sleep(backoffMs(attempt, options.retry, retryAfter));
  }
  throw networkError(request.url, target, attempts, lastError, options);
}

function networkError(
  url: string,
  target: WriteTarget,
  attempts: number,
  error: unknown,
  options: ResolvedWriteOptions,
): HubHttpError {
  if (isTimeoutAbort(error)) {
    return new HubTimeoutError(
      `Could not ${target.action}: ${url} did not answer within ${options.timeoutMs} ms (option "timeoutMs"), ` +
        `${attempts} attempt(s).`,
      url,
      options.timeoutMs,
      { cause: error },
    );
  }
  return new HubHttpError(
    `Could not ${target.action}: ${url} could not be reached after ${attempts} attempt(s) ` +
      `(${describeNetworkError(error)}). Check the network or HF_ENDPOINT.`,
    0,
    { cause: error },
  );
}

function describeTarget(target: WriteTarget): string {
  if (target.repoId === undefined) return '';
  const revision = target.revision === undefined ? '' : ` at revision "${target.revision}"`;
  return ` (${target.repoType ?? 'model'} repo "${target.repoId}"${revision})`;
}

/**
 * Throws the typed error for a non-2xx answer to a write: 401 → {@link HubAuthError} (or
 * {@link RepositoryNotFoundError} when the Hub says `RepoNotFound`), 403 → {@link HubAuthError}, 404 →
 * repo / revision / entry not found, 409 → {@link HubConflictError}, 413 → {@link HubPayloadTooLargeError},
 * anything else → {@link HubHttpError}. Redirects are errors too: a write is never re-sent elsewhere.
 */
export async function raiseForWriteStatus(
  response: Response,
  url: string,
  target: WriteTarget,
): Promise<void> {
  const status = response.status;
  if (status >= 200 && status < 300) return;
  const code = response.headers.get('x-error-code');
  const hubMessage = response.headers.get('x-error-message') ?? (await readErrorBody(response));
  const detail = hubMessage ? ` Hub says: ${hubMessage}` : '';
  const what = `Could not ${target.action}${describeTarget(target)}: HTTP ${status} from ${url}.`;
  if (code === 'RepoNotFound' || (status === 404 && code === null)) {
    throw new RepositoryNotFoundError(
      `${what} The repo does not exist or the token cannot see it; create it first with createRepo, or check ` +
        `the repo id and repoType.${detail}`,
    );
  }
  if (code === 'RevisionNotFound') {
    throw new RevisionNotFoundError(
      `${what} The branch does not exist; create it with createBranch or use an existing one.${detail}`,
    );
  }
  if (code === 'EntryNotFound') throw new EntryNotFoundError(`${what}${detail}`);
  if (code === 'GatedRepo') throw new GatedRepoError(`${what} The repo is gated.${detail}`);
  if (status === 401) {
    throw new HubAuthError(
      `${what} The token was refused: it is invalid or expired. Log in again (\`ner login\`) or set HF_TOKEN.${detail}`,
    );
  }
  if (status === 403) {
    throw new HubAuthError(
      `${what} The token is valid but may not do this: it needs the "write" role and the repo must belong to ` +
        `you or to an organization you can write to.${detail}`,
    );
  }
  if (status === 409) throw new HubConflictError(`${what}${detail}`, status);
  if (status === 413) {
    throw new HubPayloadTooLargeError(
      `${what} The request is too large for the Hub; upload fewer files per commit, or let large files go ` +
        `through LFS.${detail}`,
      status,
    );
  }
  if (status >= 300 && status < 400) {
    throw new HubResponseError(
      `${what} A write is not followed to ${response.headers.get('location') ?? 'another URL'}; set the ` +
        `endpoint to the Hub's final address.`,
      url,
    );
  }
  throw new HubHttpError(`${what}${detail}`, status);
}

/** JSON answers to writes are small; this bounds what a broken server can make us buffer. */
const WRITE_JSON_LIMIT_BYTES = 16 * 1024 * 1024;

/** The response body as a JSON object, or {@link HubResponseError} naming the URL. */
export async function readJsonObject(response: Response, url: string): Promise<Record<string, unknown>> {
  const text = (await readBodyWithLimit(response, url, WRITE_JSON_LIMIT_BYTES)).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HubResponseError(`${url} answered with invalid JSON: ${text.slice(0, 200)}`, url);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HubResponseError(`${url} answered with JSON that is not an object: ${text.slice(0, 200)}`, url);
  }
  return parsed as Record<string, unknown>;
}

/**
 * POSTs `payload` as JSON to an endpoint that may be retried on any transient failure (create a repo or a
 * branch, preupload, the LFS batch API); `request` changes the headers or sends no token.
 */
export function postJson(
  url: string,
  payload: unknown,
  target: WriteTarget,
  options: ResolvedWriteOptions,
  request: Pick<WriteRequest, 'headers' | 'anonymous'> = {},
): Promise<Response> {
  return sendWriteRequest(
    {
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify(payload),
      retryOn: 'idempotent',
      ...request,
    },
    target,
    options,
  );
}

/** `{endpoint}/api/{models|datasets}/{repo}/{action}/{revision}`. */
export function repoApiUrl(
  endpoint: string,
  repoType: RepoType,
  repoId: string,
  action: string,
  revision?: string,
): string {
  const tail = revision === undefined ? '' : `/${encodeURIComponent(revision)}`;
  return `${endpoint}/api/${repoType}s/${repoId}/${action}${tail}`;
}
