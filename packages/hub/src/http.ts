/**
 * HTTP with the Hub's conventions: bearer token, bounded retries with backoff on transient failures
 * (5xx, connection resets, timeouts), and error classes chosen from the status and the Hub's
 * `X-Error-Code` header, with messages that say which repo/file/revision and what to do.
 */
import { readBodyPrefix } from './body.js';
import {
  EntryNotFoundError,
  GatedRepoError,
  HubAuthError,
  HubHttpError,
  HubTimeoutError,
  RepositoryNotFoundError,
  RevisionNotFoundError,
} from './errors.js';

/** How transient failures are retried. */
export interface RetryOptions {
  /** Total attempts, first one included (default 5, like Python's `http_backoff`). */
  readonly attempts?: number;
  /** Wait before the second attempt, doubled each time (default 1000 ms). */
  readonly baseDelayMs?: number;
  /** Longest wait between attempts (default 8000 ms). */
  readonly maxDelayMs?: number;
}

/** What a request is about, so errors can name it. */
export interface RequestContext {
  readonly repoId: string;
  readonly repoType: string;
  readonly revision: string;
  readonly filename?: string;
}

/** Statuses worth retrying: the server or a proxy failed, not the request. */
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/** True for a status that a retry may fix. */
export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUSES.has(status);
}

/** The delay before attempt `attempt + 1` (attempt counts from 1). */
export function retryDelay(attempt: number, retry: RetryOptions): number {
  const base = retry.baseDelayMs ?? 1000;
  const max = retry.maxDelayMs ?? 8000;
  return Math.min(max, base * 2 ** (attempt - 1));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Request headers: user agent and, when given, `Authorization: Bearer`. */
export function hubHeaders(
  token: string | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'ner-hub/0 (node)', ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

/** True for what `fetch` (or a body read) throws when an `AbortSignal.timeout` fired. */
export function isTimeoutAbort(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'TimeoutError';
}

/**
 * `fetch` that retries connection errors, timeouts and transient statuses up to `retry.attempts` times in
 * all. The last transient response is returned (not thrown) so the caller's status handling names it.
 * With `timeoutMs`, each attempt (headers and body, since the signal stays attached to the body) is
 * aborted after that long; when every attempt timed out the error is a {@link HubTimeoutError}.
 */
export async function fetchWithRetry(
  url: string,
  init: RequestInit,
  retry: RetryOptions = {},
  timeoutMs?: number,
): Promise<Response> {
  const attempts = Math.max(1, retry.attempts ?? 5);
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      const signal = timeoutMs === undefined ? init.signal : AbortSignal.timeout(timeoutMs);
      const response = await fetch(url, { ...init, signal });
      if (!isTransientStatus(response.status) || attempt === attempts) return response;
      await response.body?.cancel();
    } catch (error) {
      lastError = error;
      if (attempt === attempts) break;
    }
    await sleep(retryDelay(attempt, retry));
  }
  if (timeoutMs !== undefined && isTimeoutAbort(lastError)) {
    throw new HubTimeoutError(
      `${url} did not answer within ${timeoutMs} ms (option "timeoutMs"), ${attempts} attempt(s). Raise ` +
        '"timeoutMs" for a slow network, or set HF_HUB_OFFLINE=1 to use only the local cache.',
      url,
      timeoutMs,
      { cause: lastError },
    );
  }
  throw new HubHttpError(
    `Could not reach ${url} after ${attempts} attempt(s): ${describeNetworkError(lastError)}. ` +
      'Check the network or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only the local cache.',
    0,
    { cause: lastError },
  );
}

/** A readable reason for a failed fetch (undici hides the socket error in `cause`). */
export function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

/** Where a repo lives, for messages. */
function repoLabel(context: RequestContext): string {
  return `${context.repoType} repo "${context.repoId}"`;
}

/**
 * Throws the error that fits a non-OK response (Python's `hf_raise_for_status`), after reading the body
 * for the Hub's message. Does nothing for 2xx/3xx.
 */
export async function raiseForStatus(
  response: Response,
  url: string,
  context: RequestContext,
): Promise<void> {
  if (response.status < 400) return;
  const code = response.headers.get('x-error-code');
  const hubMessage = response.headers.get('x-error-message') ?? (await readErrorBody(response));
  const detail = hubMessage ? ` Hub says: ${hubMessage}` : '';
  const where = `${repoLabel(context)} at revision "${context.revision}"`;
  const file = context.filename ? `file "${context.filename}" of ` : '';
  const status = response.status;
  if (code === 'RevisionNotFound') {
    throw new RevisionNotFoundError(
      `Revision "${context.revision}" not found in ${repoLabel(context)} (${status}, ${url}). ` +
        `Use an existing branch, tag or commit hash.${detail}`,
    );
  }
  if (code === 'EntryNotFound') {
    const error = new EntryNotFoundError(
      `File "${context.filename ?? '?'}" not found in ${where} (404, ${url}). Check the file name, or list the ` +
        `repo's files to see what it has.${detail}`,
    );
    error.commit = response.headers.get('x-repo-commit') ?? undefined;
    throw error;
  }
  if (code === 'GatedRepo') {
    throw new GatedRepoError(
      `Cannot access ${file}gated ${where} (${status}, ${url}). Accept its conditions on the repo's Hub page, ` +
        `then pass a token (option "token" or HF_TOKEN).${detail}`,
    );
  }
  if (status === 401 && hubMessage === 'Invalid credentials in Authorization header') {
    throw new HubAuthError(
      `The token was refused when reading ${file}${where} (401, ${url}). Check HF_TOKEN or the "token" option.${detail}`,
    );
  }
  if (status === 404 && code === null && context.filename !== undefined) {
    // A server without the Hub's error codes (a mirror): a 404 on a file URL most likely means the file.
    const error = new EntryNotFoundError(
      `File "${context.filename}" not found in ${where} (404, ${url}); the repo or revision may not exist ` +
        `either. Check the repo id, the revision and the file name.${detail}`,
    );
    error.commit = response.headers.get('x-repo-commit') ?? undefined;
    throw error;
  }
  if (code === 'RepoNotFound' || status === 401 || status === 404) {
    throw new RepositoryNotFoundError(
      `${capitalize(repoLabel(context))} not found, or not accessible without a token (${status}, ${url}). ` +
        `Check the repo id and repoType ("model" or "dataset"); for a private or gated repo pass a token ` +
        `(option "token" or HF_TOKEN).${detail}`,
    );
  }
  if (status === 403) {
    throw new HubAuthError(
      `Access to ${file}${where} is forbidden (403, ${url}). Make sure your token has read access to this repo.${detail}`,
    );
  }
  throw new HubHttpError(`HTTP ${status} for ${file}${where} (${url}).${detail}`, status);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Bytes of an error body read for its message; the rest is never downloaded. */
const ERROR_BODY_BYTES = 1024;

/** The Hub's `{"error": "..."}` body, at most 1 KiB of it, or undefined. */
export async function readErrorBody(response: Response): Promise<string | undefined> {
  try {
    const text = (await readBodyPrefix(response, ERROR_BODY_BYTES)).toString('utf8');
    if (text === '') return undefined;
    try {
      const parsed = JSON.parse(text) as { error?: unknown };
      if (typeof parsed.error === 'string') return parsed.error;
    } catch {
      // Not JSON: use the text as is.
    }
    return text.trim();
  } catch {
    return undefined;
  }
}
