/**
 * What a commit does to a repo (Python's `CommitOperationAdd` / `CommitOperationDelete`), and the facts the
 * Hub needs about each added file before it is sent: size, sha256 and its first 512 bytes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { HubValidationError } from './errors.js';
import { validateFilename } from './repo.js';

/** Adds (or replaces) one file: from a local path or from bytes in memory. */
export interface CommitOperationAdd {
  readonly kind: 'add';
  /** Where the file goes in the repo, e.g. `"model.safetensors"` or `"checkpoint-500/config.json"`. */
  readonly pathInRepo: string;
  /** A local file path, or the content itself (Python's `path_or_fileobj`). */
  readonly pathOrBytes: string | Uint8Array;
}

/** Deletes one file, or a folder when `isFolder` is true. */
export interface CommitOperationDelete {
  readonly kind: 'delete';
  readonly pathInRepo: string;
  readonly isFolder?: boolean;
}

/** One change in a commit. */
export type CommitOperation = CommitOperationAdd | CommitOperationDelete;

/** What the preupload and LFS APIs need to know about an added file (Python's `UploadInfo`). */
export interface UploadInfo {
  readonly size: number;
  /** Lowercase hex sha256 of the whole content: the LFS object id. */
  readonly sha256: string;
  /** Git blob sha1 (`sha1("blob {size}\0" + content)`): a regular file's id in the repo. */
  readonly gitSha1: string;
  /** The first 512 bytes, from which the Hub guesses text or binary. */
  readonly sample: Uint8Array;
}

/** Chunk size of file reads and of request bodies made from bytes in memory (progress and stall checks see steps). */
const MEMORY_CHUNK_BYTES = 1024 * 1024;

/** Bytes of a file sent as a sample to the preupload check (the Hub's rule). */
const SAMPLE_BYTES = 512;

/** Throws unless `path` can be a file in a repo: relative, no `..`, nothing inside `.git/`. */
export function validatePathInRepo(path: string): void {
  validateFilename(path);
  if (path === '.git' || path.startsWith('.git/')) {
    throw new HubValidationError(`"${path}" is inside ".git": a commit cannot write there.`);
  }
}

/** Size, sha256 and sample of an added file; a local path must be a regular file. */
export async function computeUploadInfo(operation: CommitOperationAdd): Promise<UploadInfo> {
  const source = operation.pathOrBytes;
  if (typeof source !== 'string') {
    const bytes = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    return {
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      gitSha1: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
      sample: Buffer.from(bytes.subarray(0, SAMPLE_BYTES)),
    };
  }
  const info = await stat(source).catch((error: unknown) => {
    throw new HubValidationError(
      `Cannot upload "${source}" as "${operation.pathInRepo}": ${(error as Error).message}`,
    );
  });
  if (!info.isFile()) {
    throw new HubValidationError(
      `Cannot upload "${source}" as "${operation.pathInRepo}": not a regular file.`,
    );
  }
  // One pass computes both ids: the sha256 names LFS objects, the git sha1 regular files.
  const hash = createHash('sha256');
  const gitHash = createHash('sha1').update(`blob ${info.size}\0`);
  for await (const chunk of createReadStream(source, { highWaterMark: MEMORY_CHUNK_BYTES })) {
    hash.update(chunk as Buffer);
    gitHash.update(chunk as Buffer);
  }
  const handle = await open(source, 'r');
  try {
    const sample = Buffer.alloc(Math.min(SAMPLE_BYTES, info.size));
    await handle.read(sample, 0, sample.length, 0);
    return { size: info.size, sha256: hash.digest('hex'), gitSha1: gitHash.digest('hex'), sample };
  } finally {
    await handle.close();
  }
}

/** The whole content of a file that goes inline into the commit (the caller checked its size first). */
export async function readContent(operation: CommitOperationAdd): Promise<Buffer> {
  const source = operation.pathOrBytes;
  if (typeof source !== 'string') return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(source)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A fresh stream of `length` bytes of the content from `start`; `onChunk` sees each chunk as it is handed to
 * the connection (the stall watchdog's heartbeat). Aborting `release` closes the underlying file.
 */
export function contentStream(
  operation: CommitOperationAdd,
  start: number,
  length: number,
  onChunk: (bytes: number) => void,
  release?: AbortSignal,
): ReadableStream<Uint8Array> {
  const source = operation.pathOrBytes;
  const chunks: AsyncIterable<Uint8Array> =
    typeof source !== 'string'
      ? memoryChunks(Buffer.from(source.buffer, source.byteOffset + start, length))
      : length === 0
        ? Readable.from([])
        : createReadStream(source, { start, end: start + length - 1, highWaterMark: MEMORY_CHUNK_BYTES });
  const iterator = chunks[Symbol.asyncIterator]();
  // A failed request may leave its body unread; `release` closes the file anyway.
  release?.addEventListener('abort', () => void iterator.return?.(), { once: true });
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await iterator.next();
        if (done) {
          controller.close();
          return;
        }
        onChunk(value.byteLength);
        controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    // Read a few chunks ahead so the disk and the socket work at the same time.
    { highWaterMark: 4 },
  );
}

async function* memoryChunks(view: Buffer): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < view.length; at += MEMORY_CHUNK_BYTES)
    yield view.subarray(at, at + MEMORY_CHUNK_BYTES);
}
