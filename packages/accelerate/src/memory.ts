/**
 * accelerate's memory utilities (`accelerate.utils.memory`): retrying a function at smaller
 * batch sizes until it fits in memory, and telling an out-of-memory error from the others.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AccelerateError } from './errors.js';

/** Every batch size down to 1 ran out of memory (Python's "No executable batch size found, reached zero."). */
export class NoExecutableBatchSizeError extends AccelerateError {
  constructor(startingBatchSize: number, cause: unknown) {
    super(
      `No executable batch size found, reached zero: batch sizes from ${startingBatchSize} down to 1 ` +
        `all ran out of memory; the last error: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.cause = cause;
  }
}

/**
 * The names of the errors that mean a device ran out of memory: what `@ner/tfjs-backend-cuda`
 * throws when its allocator cannot get a block even after freeing its cache. Matched by name, so
 * accelerate need not import the backend.
 */
const OUT_OF_MEMORY_ERROR_NAMES: ReadonlySet<string> = new Set(['CudaOutOfMemoryError']);

/**
 * Whether `error` means the batch did not fit in memory, so a smaller batch may run (Python
 * `should_reduce_batch_size`): the cuda backend's out-of-memory error, or V8's
 * `RangeError: Array buffer allocation failed` (host memory, where the cpu, wasm and native
 * backends keep tensors; Python's "DefaultCPUAllocator: can't allocate memory"). Anything else,
 * including JavaScript's own heap limit (which kills the process), is not.
 */
export function shouldReduceBatchSize(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (OUT_OF_MEMORY_ERROR_NAMES.has(error.name)) return true;
  return error instanceof RangeError && error.message.includes('Array buffer allocation failed');
}

/**
 * Gives the active backend's cached memory back (`torch.cuda.empty_cache()`): the cuda backend
 * keeps freed blocks for reuse; others have no cache and nothing happens.
 */
export function releaseMemory(): void {
  const backend = tf.backend() as unknown as { emptyCache?: () => void };
  if (typeof backend.emptyCache === 'function') backend.emptyCache();
}

/** What {@link findExecutableBatchSize} says each time it halves the batch size. */
export interface BatchSizeReduction {
  readonly from: number;
  readonly to: number;
  readonly error: Error;
}

/**
 * Wraps `fn(batchSize, ...args)` so that when it fails for lack of memory
 * ({@link shouldReduceBatchSize}), the backend's cache is released and it runs again at half
 * the batch size, down to 1 (Python `find_executable_batch_size`, which halves as accelerate
 * did up to 1.1). The size that worked is kept for the next call, as Python's decorator keeps
 * it. Other errors pass through at once.
 *
 * `fn` must leave nothing behind when it fails (dispose what it made): a retry runs in the same
 * memory.
 *
 * @throws {NoExecutableBatchSizeError} when batch size 1 runs out of memory too.
 * @example
 * const train = findExecutableBatchSize(async (batchSize: number, epochs: number) => {
 *   // build the loader with batchSize, train for epochs
 * }, 64);
 * await train(3);
 */
export function findExecutableBatchSize<Args extends unknown[], Result>(
  fn: (batchSize: number, ...args: Args) => Result | Promise<Result>,
  startingBatchSize = 128,
  options: { onReduce?: (reduction: BatchSizeReduction) => void } = {},
): (...args: Args) => Promise<Result> {
  if (!Number.isSafeInteger(startingBatchSize) || startingBatchSize < 1) {
    throw new AccelerateError(
      `findExecutableBatchSize: startingBatchSize must be a positive integer, got ${startingBatchSize}`,
    );
  }
  let batchSize = startingBatchSize;
  return async (...args: Args) => {
    releaseMemory();
    for (;;) {
      try {
        return await fn(batchSize, ...args);
      } catch (error) {
        if (!shouldReduceBatchSize(error)) throw error;
        releaseMemory();
        const from = batchSize;
        batchSize = Math.floor(batchSize / 2);
        if (batchSize === 0) throw new NoExecutableBatchSizeError(startingBatchSize, error);
        options.onReduce?.({ from, to: batchSize, error: error as Error });
      }
    }
  };
}
