// Few long float32 rows (a whole gradient's sum of squares, as clipGradNorm asks for) are reduced
// in two passes over equal chunks, so they do not run on one block each: cpu's values, two
// ner_reduce_f32 launches, and one launch where the split does not apply.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { SPLIT_MAX_BLOCKS, SPLIT_MIN_CHUNK, reductionChunks } from '../src/kernels/reduce.js';
import { expectSameAsCpu, uniform } from './compare.js';
import { launchesOf as countLaunches, onRealGpu, uniformTensor, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const f = uniformTensor;
const launchesOf = (build: () => tf.Tensor) => countLaunches(device, build);

describe('reductionChunks', () => {
  it('splits few long rows into equal power-of-two chunks, within its limits', () => {
    expect(reductionChunks(1, 768 * 3072)).toBe(512);
    expect(reductionChunks(3, 9 * 2 ** 13)).toBe(16);
    expect(reductionChunks(1, 2 ** 15)).toBe(8);
    for (const [outer, inner] of [
      [1, 768 * 3072],
      [3, 9 * 2 ** 13],
      [5, 2 ** 20],
    ] as const) {
      const chunks = reductionChunks(outer, inner);
      expect(inner % chunks).toBe(0);
      expect(inner / chunks).toBeGreaterThanOrEqual(SPLIT_MIN_CHUNK);
      expect(outer * chunks).toBeLessThanOrEqual(SPLIT_MAX_BLOCKS);
    }
  });

  it('keeps one pass for short rows, many rows, and lengths with no power of two to split by', () => {
    expect(reductionChunks(1, 2 ** 15 - 1)).toBe(1);
    expect(reductionChunks(1, 65537)).toBe(1);
    expect(reductionChunks(1024, 2 ** 16)).toBe(1);
    expect(reductionChunks(7, 3072)).toBe(1);
  });
});

describe.skipIf(onRealGpu)('long rows in two passes', () => {
  const ops: [string, (x: tf.Tensor, axis?: number | number[], keep?: boolean) => tf.Tensor][] = [
    ['sum', tf.sum],
    ['mean', tf.mean],
    ['max', tf.max],
    ['min', tf.min],
  ];
  for (const [name, op] of ops) {
    it(`${name}: cpu's values over all of [256, 384] and the last axis of [3, 73728]`, async () => {
      await expectSameAsCpu(() => [op(f([256, 384], 21)), op(f([3, 73728], 22), -1, true)]);
      expect(await launchesOf(() => op(f([256, 384], 21)))).toEqual({ ner_reduce_f32: 2 });
    });
  }

  it('squares summed over a weight-sized gradient, as the global grad norm does', async () => {
    await expectSameAsCpu(() => tf.sqrt(tf.sum(tf.square(f([768, 3072], 23)))));
  });

  it('propagates a NaN from any chunk', async () => {
    const values = uniform(2 ** 16, 24);
    values[40000] = Number.NaN;
    await tf.setBackend('cuda');
    const x = tf.tensor1d(values);
    expect(Number.isNaN(tf.max(x).dataSync()[0])).toBe(true);
    expect(Number.isNaN(tf.sum(x).dataSync()[0])).toBe(true);
    x.dispose();
  });

  it('keeps one launch where it does not split, and frees its partials', async () => {
    expect(await launchesOf(() => tf.sum(f([65537], 25)))).toEqual({ ner_reduce_f32: 1 });
    expect(await launchesOf(() => tf.sum(f([2048, 64], 26), 1))).toEqual({ ner_reduce_f32: 1 });
    const before = (tf.backend() as unknown as { memory(): { bytesInUse: number } }).memory().bytesInUse;
    const x = f([2 ** 16], 27);
    const y = tf.sum(x);
    y.dataSync();
    tf.dispose([x, y]);
    expect((tf.backend() as unknown as { memory(): { bytesInUse: number } }).memory().bytesInUse).toBe(
      before,
    );
  });
});
