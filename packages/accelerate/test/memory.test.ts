import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import {
  AccelerateError,
  type BatchSizeReduction,
  findExecutableBatchSize,
  NoExecutableBatchSizeError,
  releaseMemory,
  shouldReduceBatchSize,
} from '../src/index.js';

/** An error as the cuda backend's allocator throws it (matched by name). */
function cudaOutOfMemory(): Error {
  const error = new Error('CUDA out of memory: could not allocate 4096 bytes');
  error.name = 'CudaOutOfMemoryError';
  return error;
}

describe('shouldReduceBatchSize', () => {
  it("takes the cuda backend's out-of-memory error and V8's failed ArrayBuffer allocation", () => {
    expect(shouldReduceBatchSize(cudaOutOfMemory())).toBe(true);
    expect(shouldReduceBatchSize(new RangeError('Array buffer allocation failed'))).toBe(true);
  });

  it('refuses everything else: other errors, other RangeErrors, values that are not errors', () => {
    expect(shouldReduceBatchSize(new Error('CUDA out of memory'))).toBe(false);
    expect(shouldReduceBatchSize(new RangeError('Invalid typed array length: -1'))).toBe(false);
    expect(shouldReduceBatchSize(new TypeError('Array buffer allocation failed'))).toBe(false);
    expect(shouldReduceBatchSize('CudaOutOfMemoryError')).toBe(false);
    expect(shouldReduceBatchSize(undefined)).toBe(false);
  });

  it('a real failed allocation of host memory is one', () => {
    let caught: unknown;
    try {
      // Over V8's limit for one ArrayBuffer on 64-bit (2^53 - 1 bytes is refused at allocation).
      new ArrayBuffer(2 ** 52);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect(shouldReduceBatchSize(caught)).toBe(true);
  });
});

describe('findExecutableBatchSize', () => {
  it('halves the batch size on out-of-memory until fn runs, passing the other arguments on', async () => {
    const tried: number[] = [];
    const reductions: BatchSizeReduction[] = [];
    const train = findExecutableBatchSize(
      (batchSize: number, label: string) => {
        tried.push(batchSize);
        if (batchSize > 20) throw cudaOutOfMemory();
        return `${label} at ${batchSize}`;
      },
      100,
      { onReduce: (reduction) => reductions.push(reduction) },
    );
    await expect(train('run')).resolves.toBe('run at 12');
    expect(tried).toEqual([100, 50, 25, 12]);
    expect(reductions.map(({ from, to }) => [from, to])).toEqual([
      [100, 50],
      [50, 25],
      [25, 12],
    ]);
    expect(reductions[0]!.error.name).toBe('CudaOutOfMemoryError');
    // As Python's decorator, a second call starts from the size that worked.
    await expect(train('again')).resolves.toBe('again at 12');
    expect(tried).toEqual([100, 50, 25, 12, 12]);
  });

  it('awaits an async fn and retries when its promise rejects for lack of memory', async () => {
    const train = findExecutableBatchSize(async (batchSize: number) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (batchSize > 4) throw new RangeError('Array buffer allocation failed');
      return batchSize;
    }, 32);
    await expect(train()).resolves.toBe(4);
  });

  it('passes any other error through at once, without retrying', async () => {
    const fn = vi.fn((_batchSize: number) => {
      throw new TypeError('not a memory problem');
    });
    await expect(findExecutableBatchSize(fn, 64)()).rejects.toThrow(TypeError);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('stops with NoExecutableBatchSizeError, naming the start and the last error, after batch size 1 fails', async () => {
    const tried: number[] = [];
    const train = findExecutableBatchSize((batchSize: number) => {
      tried.push(batchSize);
      throw cudaOutOfMemory();
    }, 5);
    const error = await train().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoExecutableBatchSizeError);
    expect(error).toBeInstanceOf(AccelerateError);
    expect((error as Error).message).toMatch(
      /reached zero: batch sizes from 5 down to 1 .*CUDA out of memory/,
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(tried).toEqual([5, 2, 1]);
  });

  it('refuses a starting batch size that is not a positive integer', () => {
    for (const bad of [0, -4, 2.5, Number.NaN]) {
      expect(() => findExecutableBatchSize(() => 1, bad)).toThrow(
        /startingBatchSize must be a positive integer/,
      );
    }
  });

  it("releases the backend's cache before the first try and after each failure", async () => {
    await tf.setBackend('cpu');
    const backend = tf.backend() as unknown as { emptyCache?: () => void };
    const emptyCache = vi.fn();
    backend.emptyCache = emptyCache;
    try {
      const train = findExecutableBatchSize((batchSize: number) => {
        if (batchSize > 2) throw cudaOutOfMemory();
        return batchSize;
      }, 8);
      await train();
      expect(emptyCache).toHaveBeenCalledTimes(3); // before 8, after 8, after 4
      releaseMemory();
      expect(emptyCache).toHaveBeenCalledTimes(4);
    } finally {
      delete backend.emptyCache;
    }
  });
});
