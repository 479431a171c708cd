/**
 * Streams one URL to a file without ever leaving a partial or wrong file under the final name: bytes go to
 * a uniquely named `*.incomplete` file beside the target, which is renamed only when the byte count matches
 * what the server announced and, for an LFS file, the sha256 matches its ETag. Transient failures
 * (connection reset, truncated body, a body that stalls, 5xx) are retried up to the attempt limit, resuming
 * with a `Range` request when the server answers `206` for exactly the missing bytes (any other
 * `Content-Range` restarts from byte 0); when every attempt fails the temporary file is deleted.
 */
import { createHash, type Hash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resumeMismatch } from './content-range.js';
import { DEFAULT_STALL_TIMEOUT_MS } from './env.js';
import { HubHttpError, HubIntegrityError, HubResponseError, HubTimeoutError } from './errors.js';
import {
  describeNetworkError,
  isTransientStatus,
  type RequestContext,
  type RetryOptions,
  raiseForStatus,
  retryDelay,
  sleep,
} from './http.js';
import { createProgress, type ProgressOptions, type ProgressReporter } from './progress.js';
import { StallWatchdog } from './stall-watchdog.js';

/** One download. */
export interface DownloadRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Final path; written only when complete. */
  readonly destination: string;
  /** Size announced by the metadata request (`X-Linked-Size` / `Content-Length`), checked at the end. */
  readonly expectedSize: number | undefined;
  /** sha256 (lowercase hex) the bytes must have: an LFS file's ETag. Checked before the rename. */
  readonly expectedSha256?: string;
  readonly context: RequestContext;
  readonly retry?: RetryOptions;
  readonly progress?: ProgressOptions;
  /** Abort an attempt that receives no byte (headers included) for this long, then resume (default 60 s). */
  readonly stallTimeoutMs?: number;
}

/** A 206 answer for other bytes than the missing ones: retried from byte 0. */
class ResumeMismatchError extends HubResponseError {
  override name = 'ResumeMismatchError';
}

/** The bytes in the temporary file so far, and their running sha256. */
interface PartialFile {
  written: number;
  hash: Hash;
}

/** The server's total size from `Content-Range: bytes a-b/total` or `Content-Length`. */
function announcedSize(response: Response, offset: number): number | undefined {
  const range = response.headers.get('content-range');
  const total = range ? /\/(\d+)\s*$/.exec(range)?.[1] : undefined;
  if (total !== undefined) return Number(total);
  const length = response.headers.get('content-length');
  return length === null ? undefined : Number(length) + offset;
}

/** Downloads `request.url` to `request.destination` (see the module comment). */
export async function downloadToFile(request: DownloadRequest): Promise<void> {
  const { url, destination, context } = request;
  const retry = request.retry ?? {};
  const attempts = Math.max(1, retry.attempts ?? 5);
  await mkdir(dirname(destination), { recursive: true });
  const temp = `${destination}.${randomBytes(6).toString('hex')}.incomplete`;
  const progress = createProgress(context.filename ?? url, request.expectedSize, request.progress ?? {});
  const partial: PartialFile = { written: 0, hash: createHash('sha256') };
  let lastError: unknown;
  try {
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        await downloadAttempt(request, temp, partial, progress);
        verifySha256(request, partial);
        await rename(temp, destination);
        progress.done();
        return;
      } catch (error) {
        if (!isRetryable(error)) throw error;
        lastError = error;
        if (attempt < attempts) await sleep(retryDelay(attempt, retry));
      }
    }
    throw new HubHttpError(
      `Could not download ${describeTarget(context)} from ${url} after ${attempts} attempt(s): ` +
        `${describeNetworkError(lastError)}. Nothing was written to the cache; try again later.`,
      lastError instanceof HubHttpError ? lastError.status : 0,
      { cause: lastError },
    );
  } finally {
    // On success the temp file was renamed away; on failure it must not stay in the cache.
    await rm(temp, { force: true });
  }
}

/** One request: resumes from `partial.written` when it can, and appends what arrives to `temp`. */
async function downloadAttempt(
  request: DownloadRequest,
  temp: string,
  partial: PartialFile,
  progress: ProgressReporter,
): Promise<void> {
  const { url, context } = request;
  const watchdog = new StallWatchdog(request.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS);
  try {
    const headers: Record<string, string> = { ...request.headers, 'accept-encoding': 'identity' };
    if (partial.written > 0) headers.range = `bytes=${partial.written}-`;
    const response = await fetch(url, { headers, redirect: 'follow', signal: watchdog.signal });
    if (isTransientStatus(response.status)) {
      await response.body?.cancel();
      throw new HubHttpError(`HTTP ${response.status} while downloading ${url}`, response.status);
    }
    if (response.status === 416 && partial.written > 0) {
      // "Range Not Satisfiable": the bytes on disk do not fit the file the server has; start over.
      await response.body?.cancel();
      restart(partial);
      throw new ResumeMismatchError(`${url} answered 416 to a resume; restarting from byte 0.`, url);
    }
    await raiseForStatus(response, url, context);
    // 206: the server resumed; it is appended only when it starts where the file ends. 200: everything again.
    if (response.status === 206) {
      const mismatch = resumeMismatch(
        response.headers.get('content-range'),
        partial.written,
        request.expectedSize,
      );
      if (mismatch !== undefined) {
        await response.body?.cancel();
        restart(partial);
        throw new ResumeMismatchError(`${url} answered ${mismatch}; restarting from byte 0.`, url);
      }
    } else {
      restart(partial);
    }
    // The metadata's size wins over what this response announces: a body is never written past it.
    const announced = announcedSize(response, partial.written);
    const expected = request.expectedSize ?? announced;
    if (request.expectedSize !== undefined && announced !== undefined && announced !== request.expectedSize) {
      await response.body?.cancel();
      throw new HubHttpError(
        `${url} announced a file of ${announced} bytes, but the Hub said ${request.expectedSize}`,
        response.status,
      );
    }
    const file = await open(temp, partial.written > 0 ? 'a' : 'w');
    try {
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          watchdog.touch();
          if (expected !== undefined && partial.written + chunk.byteLength > expected) {
            throw new HubHttpError(`${url} sent more than the ${expected} bytes announced`, response.status);
          }
          await file.write(chunk);
          // Updated together after the write, so the hash always covers exactly the bytes on disk.
          partial.hash.update(chunk);
          partial.written += chunk.byteLength;
          progress.update(partial.written);
        }
      }
    } finally {
      await file.close();
    }
    if (expected !== undefined && partial.written !== expected) {
      throw new HubHttpError(
        `Download of ${url} stopped at ${partial.written} of ${expected} bytes (connection closed early)`,
        response.status,
      );
    }
  } catch (error) {
    if (!watchdog.stalled) throw error;
    throw new HubTimeoutError(
      `${url} delivered no data for ${watchdog.timeoutMs} ms (option "stallTimeoutMs" or ` +
        `HF_HUB_DOWNLOAD_TIMEOUT); ${partial.written} bytes were received so far.`,
      url,
      watchdog.timeoutMs,
      { cause: error },
    );
  } finally {
    watchdog.stop();
  }
}

function restart(partial: PartialFile): void {
  partial.written = 0;
  partial.hash = createHash('sha256');
}

/** Throws a {@link HubIntegrityError} when the bytes do not hash to the expected sha256. */
function verifySha256(request: DownloadRequest, partial: PartialFile): void {
  if (request.expectedSha256 === undefined) return;
  const actual = partial.hash.digest('hex');
  if (actual === request.expectedSha256) return;
  throw new HubIntegrityError(
    `The download of ${describeTarget(request.context)} from ${request.url} has sha256 ${actual}, but its ETag ` +
      `says ${request.expectedSha256}; the file was discarded and nothing was written to the cache.`,
    request.url,
    request.expectedSha256,
    actual,
  );
}

function describeTarget(context: RequestContext): string {
  return `"${context.filename ?? '?'}" of ${context.repoType} repo "${context.repoId}" (revision "${context.revision}")`;
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * Network errors, truncated or stalled bodies, transient statuses and a misplaced resume are retried;
 * 4xx answers, integrity failures and local file errors are final.
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof ResumeMismatchError) return true;
  if (error instanceof HubHttpError)
    return error.status === 0 || isTransientStatus(error.status) || error.status < 300;
  // fetch throws TypeError ("fetch failed", "terminated") for connection failures.
  if (error instanceof TypeError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  return NETWORK_ERROR_CODES.has(code) || code.startsWith('UND_ERR');
}
