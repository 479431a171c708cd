/**
 * Large files go to the Hub's LFS storage before the commit that names them (Python's `lfs.py`): the
 * batch API says, per sha256, whether the object is already stored and, if not, where to PUT it (one URL:
 * "basic"; one URL per part plus a completion URL: "multipart"); a verify call then confirms it.
 * The token goes to the Hub's origin only, never to the storage URLs.
 */
import { type CommitOperationAdd, contentStream, type UploadInfo } from './commit-operations.js';
import { readBodyPrefix } from './body.js';
import { HubError, HubResponseError, HubUploadError } from './errors.js';
import { describeNetworkError, isTransientStatus, retryDelay, sleep } from './http.js';
import { createProgress, type ProgressOptions } from './progress.js';
import { type RepoType, repoUrl } from './repo.js';
import { StallWatchdog } from './stall-watchdog.js';
import { postJson, type ResolvedWriteOptions, readJsonObject } from './write-request.js';

/** One file that the preupload check sent to LFS. */
export interface LfsFile {
  readonly operation: CommitOperationAdd;
  readonly info: UploadInfo;
}

/** Where and how to upload. */
export interface LfsSettings {
  readonly options: ResolvedWriteOptions;
  readonly repoId: string;
  readonly repoType: RepoType;
  readonly revision: string;
  /** A PUT that sends or receives nothing this long is aborted and retried. */
  readonly stallTimeoutMs: number;
  /** Files uploaded at the same time (Python uses 5 threads). */
  readonly concurrency: number;
  readonly progress: ProgressOptions;
}

const LFS_HEADERS = {
  accept: 'application/vnd.git-lfs+json',
  'content-type': 'application/vnd.git-lfs+json',
};
/** Objects per batch request, as Python sends them (keeps each request small). */
const BATCH_SIZE = 256;
/** S3's limits on a multipart upload, which bound what a server may ask for. */
const MAX_PARTS = 10_000;
const MIN_CHUNK_BYTES = 1;
const MAX_CHUNK_BYTES = 5 * 1024 ** 3;

interface LfsAction {
  readonly href: string;
  readonly header: Record<string, string>;
}

interface BatchObject {
  readonly oid: string;
  readonly upload?: LfsAction;
  readonly verify?: LfsAction;
}

function parseAction(value: unknown, url: string): LfsAction | undefined {
  if (value === undefined || value === null) return undefined;
  const action = value as { href?: unknown; header?: unknown };
  if (typeof action.href !== 'string' || !/^https?:\/\//.test(action.href)) {
    throw new HubResponseError(`The LFS batch answer has an action without an http(s) "href".`, url);
  }
  const header: Record<string, string> = {};
  if (action.header !== undefined && action.header !== null && typeof action.header === 'object') {
    for (const [key, field] of Object.entries(action.header)) header[key] = String(field);
  }
  return { href: action.href, header };
}

/** Asks the batch API what to do with `files`; returns the objects that still need an upload. */
async function batch(files: readonly LfsFile[], settings: LfsSettings): Promise<BatchObject[]> {
  const { options, repoId, repoType, revision } = settings;
  const url = `${repoUrl(options.endpoint, repoId, repoType)}.git/info/lfs/objects/batch`;
  const payload = {
    operation: 'upload',
    transfers: ['basic', 'multipart'],
    objects: files.map((file) => ({ oid: file.info.sha256, size: file.info.size })),
    hash_algo: 'sha256',
    ref: { name: revision },
  };
  const response = await postJson(
    url,
    payload,
    { action: 'prepare the LFS upload', repoId, repoType, revision },
    options,
    { headers: LFS_HEADERS },
  );
  const body = await readJsonObject(response, url);
  if (!Array.isArray(body.objects)) throw new HubResponseError(`${url} answered without "objects".`, url);
  const out: BatchObject[] = [];
  const errors: string[] = [];
  for (const raw of body.objects as { oid?: unknown; error?: { message?: unknown }; actions?: unknown }[]) {
    const oid = String(raw?.oid);
    if (raw?.error !== undefined) {
      errors.push(`${oid}: ${String(raw.error?.message ?? 'refused')}`);
      continue;
    }
    const actions = (raw?.actions ?? undefined) as { upload?: unknown; verify?: unknown } | undefined;
    const upload = parseAction(actions?.upload, url);
    // No upload action: the Hub has this object already.
    if (upload !== undefined) out.push({ oid, upload, verify: parseAction(actions?.verify, url) });
  }
  if (errors.length > 0) {
    const names = errors.map((error) => {
      const file = files.find((candidate) => error.startsWith(candidate.info.sha256));
      return file ? `"${file.operation.pathInRepo}" (${error})` : error;
    });
    throw new HubUploadError(`The LFS batch API refused ${names.join(', ')}.`, 422, firstPath(files, errors));
  }
  return out;
}

function firstPath(files: readonly LfsFile[], errors: readonly string[]): string {
  return files.find((file) => errors[0]?.startsWith(file.info.sha256))?.operation.pathInRepo ?? '';
}

/** True when `url` is on the Hub's origin, so it may see the token. */
function onHubOrigin(url: string, endpoint: string): boolean {
  try {
    return new URL(url).origin === new URL(endpoint).origin;
  } catch {
    return false;
  }
}

/**
 * PUTs `length` bytes from `start` to `url`, retrying dropped connections, stalls and 429/5xx answers from
 * the start of this part (earlier parts are not sent again). Returns the successful response.
 */
async function putPart(
  file: LfsFile,
  url: string,
  headers: Record<string, string>,
  start: number,
  length: number,
  settings: LfsSettings,
  what: string,
  onBytes: (bytes: number) => void,
): Promise<Response> {
  const retry = settings.options.retry;
  const attempts = Math.max(1, retry.attempts ?? 5);
  let lastStatus = 0;
  let lastDetail = '';
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const watchdog = new StallWatchdog(settings.stallTimeoutMs);
    const release = new AbortController();
    let sent = 0;
    try {
      const body = contentStream(
        file.operation,
        start,
        length,
        (bytes) => {
          watchdog.touch();
          sent += bytes;
          onBytes(bytes);
        },
        release.signal,
      );
      const response = await fetch(url, {
        method: 'PUT',
        headers: { ...headers, 'content-length': String(length) },
        body,
        duplex: 'half',
        signal: watchdog.signal,
      } as RequestInit);
      if (response.ok) {
        // Only the status and ETag matter; a storage body is never read (it could be endless).
        await response.body?.cancel().catch(() => undefined);
        return response;
      }
      lastStatus = response.status;
      lastError = undefined;
      // The storage server's reason (e.g. S3's XML error), its first 512 bytes at most.
      lastDetail = (await readBodyPrefix(response, 512).catch(() => Buffer.alloc(0))).toString('utf8').trim();
      if (!(isTransientStatus(response.status) || response.status === 429)) break;
    } catch (error) {
      lastError = watchdog.stalled ? new Error(`no progress for ${settings.stallTimeoutMs} ms`) : error;
      lastStatus = 0;
    } finally {
      watchdog.stop();
      release.abort();
    }
    onBytes(-sent);
    if (attempt < attempts) await sleep(retryDelay(attempt, retry));
  }
  const reason =
    lastError === undefined
      ? `HTTP ${lastStatus}${lastDetail === '' ? '' : `: ${lastDetail}`}`
      : describeNetworkError(lastError);
  throw new HubUploadError(
    `Could not upload ${what} of "${file.operation.pathInRepo}" to LFS storage (${reason}). Nothing was ` +
      'committed; run the upload again (objects already stored are not sent twice).',
    lastStatus,
    file.operation.pathInRepo,
    { cause: lastError },
  );
}

/** The part URLs of a multipart action, in part order; checks their count against the chunk size. */
function partUrls(action: LfsAction, size: number, url: string): { chunkSize: number; urls: string[] } {
  const chunkSize = Number(action.header.chunk_size);
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_BYTES || chunkSize > MAX_CHUNK_BYTES) {
    throw new HubResponseError(`The LFS answer asks for parts of ${action.header.chunk_size} bytes.`, url);
  }
  const urls = Object.entries(action.header)
    .filter(([key]) => /^\d+$/.test(key))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, value]) => value);
  const expected = Math.ceil(size / chunkSize);
  if (
    urls.length !== expected ||
    urls.length > MAX_PARTS ||
    urls.some((part) => !/^https?:\/\//.test(part))
  ) {
    throw new HubResponseError(
      `The LFS answer gives ${urls.length} part URLs for ${size} bytes in parts of ${chunkSize} (expected ${expected}).`,
      url,
    );
  }
  return { chunkSize, urls };
}

/** Uploads one object as its batch action says, then completes and verifies it. */
async function uploadObject(file: LfsFile, object: BatchObject, settings: LfsSettings): Promise<void> {
  const upload = object.upload as LfsAction;
  const { size } = file.info;
  const { options, repoId, repoType, revision } = settings;
  const target = { action: `upload "${file.operation.pathInRepo}" to LFS`, repoId, repoType, revision };
  const progress = createProgress(file.operation.pathInRepo, size, settings.progress, {
    start: 'Uploading',
    end: 'Uploaded',
  });
  let done = 0;
  const onBytes = (bytes: number) => {
    done += bytes;
    progress.update(done);
  };
  if (upload.header.chunk_size === undefined) {
    await putPart(file, upload.href, upload.header, 0, size, settings, 'the content', onBytes);
  } else {
    const { chunkSize, urls } = partUrls(upload, size, upload.href);
    const parts: { partNumber: number; etag: string }[] = [];
    for (const [index, partUrl] of urls.entries()) {
      const start = index * chunkSize;
      const length = Math.min(chunkSize, size - start);
      const what = `part ${index + 1} of ${urls.length}`;
      const response = await putPart(file, partUrl, {}, start, length, settings, what, onBytes);
      const etag = response.headers.get('etag');
      if (etag === null) {
        throw new HubUploadError(
          `LFS storage accepted ${what} of "${file.operation.pathInRepo}" without an ETag; it cannot be completed.`,
          response.status,
          file.operation.pathInRepo,
        );
      }
      parts.push({ partNumber: index + 1, etag });
    }
    const completion = await postJson(upload.href, { oid: file.info.sha256, parts }, target, options, {
      headers: LFS_HEADERS,
      anonymous: !onHubOrigin(upload.href, options.endpoint),
    });
    await completion.body?.cancel();
  }
  if (object.verify !== undefined) {
    const verify = object.verify;
    const response = await postJson(
      verify.href,
      { oid: file.info.sha256, size },
      { ...target, action: `verify the LFS upload of "${file.operation.pathInRepo}"` },
      options,
      {
        headers: { ...verify.header, ...LFS_HEADERS },
        anonymous: !onHubOrigin(verify.href, options.endpoint),
      },
    );
    await response.body?.cancel();
  }
  progress.done();
}

/**
 * Stores every file of `files` in LFS (those the Hub has already are skipped), `settings.concurrency` at a
 * time. Throws the first failure after the uploads in flight have settled; nothing is committed here.
 */
export async function uploadLfsFiles(files: readonly LfsFile[], settings: LfsSettings): Promise<void> {
  const bySha = new Map(files.map((file) => [file.info.sha256, file]));
  const unique = [...bySha.values()];
  const work: { file: LfsFile; object: BatchObject }[] = [];
  for (let at = 0; at < unique.length; at += BATCH_SIZE) {
    const chunk = unique.slice(at, at + BATCH_SIZE);
    for (const object of await batch(chunk, settings)) {
      const file = bySha.get(object.oid);
      if (file === undefined) {
        throw new HubResponseError(
          `The LFS batch answer names object ${object.oid}, which was not asked for.`,
          '',
        );
      }
      work.push({ file, object });
    }
  }
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < work.length) {
      const item = work[next++] as (typeof work)[number];
      try {
        await uploadObject(item.file, item.object, settings);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(settings.concurrency, work.length)) }, worker));
  if (failure !== undefined) {
    if (failure instanceof HubError) throw failure;
    throw new HubUploadError(`LFS upload failed: ${describeNetworkError(failure)}`, 0, '', {
      cause: failure,
    });
  }
}
