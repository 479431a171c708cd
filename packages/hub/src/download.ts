/**
 * Streams one URL to a file without ever leaving a partial file under the final name: bytes go to a
 * uniquely named `*.incomplete` file beside the target, which is renamed only when the byte count matches
 * what the server announced. Transient failures (connection reset, truncated body, 5xx) are retried up
 * to the attempt limit, resuming with a `Range` request when the server supports it; when every attempt
 * fails the temporary file is deleted.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubHttpError } from './errors.js';
import {
  describeNetworkError,
  fetchWithRetry,
  isTransientStatus,
  type RequestContext,
  type RetryOptions,
  raiseForStatus,
  retryDelay,
  sleep,
} from './http.js';
import { createProgress, type ProgressOptions } from './progress.js';

/** One download. */
export interface DownloadRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Final path; written only when complete. */
  readonly destination: string;
  /** Size announced by the metadata request (`X-Linked-Size` / `Content-Length`), checked at the end. */
  readonly expectedSize: number | undefined;
  readonly context: RequestContext;
  readonly retry?: RetryOptions;
  readonly progress?: ProgressOptions;
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
  let written = 0;
  let lastError: unknown;
  try {
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const headers: Record<string, string> = { ...request.headers, 'accept-encoding': 'identity' };
        if (written > 0) headers.range = `bytes=${written}-`;
        // Retries of the body are handled by this loop, so the request itself is tried once per attempt.
        const response = await fetchWithRetry(
          url,
          { headers, redirect: 'follow' },
          { ...retry, attempts: 1 },
        );
        if (isTransientStatus(response.status)) {
          await response.body?.cancel();
          throw new HubHttpError(`HTTP ${response.status} while downloading ${url}`, response.status);
        }
        await raiseForStatus(response, url, context);
        // 206: the server resumed where we stopped; 200: it sent everything again.
        const resumed = response.status === 206;
        if (!resumed) written = 0;
        const total = announcedSize(response, written) ?? request.expectedSize;
        const file = await open(temp, resumed ? 'a' : 'w');
        try {
          if (response.body) {
            for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
              await file.write(chunk);
              written += chunk.byteLength;
              if (total !== undefined && written > total) {
                throw new HubHttpError(
                  `${url} sent more than the ${total} bytes it announced`,
                  response.status,
                );
              }
              progress.update(written);
            }
          }
        } finally {
          await file.close();
        }
        const expected = request.expectedSize ?? total;
        if (expected !== undefined && written !== expected) {
          throw new HubHttpError(
            `Download of ${url} stopped at ${written} of ${expected} bytes (connection closed early)`,
            response.status,
          );
        }
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

/** Network errors, truncated bodies and transient statuses are retried; 4xx answers are final. */
function isRetryable(error: unknown): boolean {
  if (error instanceof HubHttpError)
    return error.status === 0 || isTransientStatus(error.status) || error.status < 300;
  // fetch throws TypeError ("fetch failed", "terminated") for connection failures.
  if (error instanceof TypeError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  return NETWORK_ERROR_CODES.has(code) || code.startsWith('UND_ERR');
}
