// NerSumSquaresMulti on cuda (fake device): each tensor's sum of squares in two launches for all
// of them, and @ner/accelerate's clipGradNorm using it in place of a Square and a Sum per
// gradient.
import '@tensorflow/tfjs-backend-cpu';
import { clipGradNorm } from '@ner/accelerate';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { SUM_SQUARES_MULTI_KERNEL_NAME, SumSquaresMultiInputError } from '../src/index.js';
import { SUM_SQUARES_CHUNK_ELEMENTS } from '../src/kernels/sum-squares.js';
import { cudaBackend, onRealGpu, uniformTensor, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Two chunks and a bit, an empty tensor, one of exactly a chunk, small ones. */
const SHAPES = [
  [7, 3],
  [2 * SUM_SQUARES_CHUNK_ELEMENTS + 5],
  [0, 4],
  [SUM_SQUARES_CHUNK_ELEMENTS],
  [1],
  [4, 4, 4],
];

/** The sum of squares in float64, the reference a float32 sum is compared with. */
function sumOfSquares(values: Float32Array | Int32Array | Uint8Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return sum;
}

const runSums = (inputs: tf.NamedTensorMap) =>
  tf.engine().runKernel(SUM_SQUARES_MULTI_KERNEL_NAME, inputs) as tf.Tensor;

describe('NerSumSquaresMulti on cuda', () => {
  it('sums each tensor in two launches for all, empty tensors giving 0', () => {
    const xs = SHAPES.map((shape, i) => uniformTensor(shape, 40 + i));
    const expected = xs.map((x) => sumOfSquares(x.dataSync()));
    const bytes = cudaBackend().memory().bytesInUse;
    if (!onRealGpu) device.resetCounters();
    const fill = vi.spyOn(device, 'fill32');
    const sums = runSums(Object.fromEntries(xs.map((x, i) => [`x${i}`, x])));
    const fills = fill.mock.calls.length;
    fill.mockRestore();
    if (!onRealGpu) {
      expect(device.counters.launches).toEqual({ ner_sum_squares_chunks_f32: 1, ner_sum_chunks_f32: 1 });
      // The zero of the empty tensor's sum.
      expect(fills).toBe(1);
    }
    expect(sums.shape).toEqual([SHAPES.length]);
    const got = sums.dataSync();
    expected.forEach((want, i) => {
      expect(Math.abs(got[i]! - want), `tensor ${i}`).toBeLessThanOrEqual(1e-5 * want); // float32 sums of up to 16,384 terms
    });
    expect(got[2]).toBe(0);
    sums.dispose();
    // The table and the chunk sums were released; only the output was kept, and it is gone.
    expect(cudaBackend().memory().bytesInUse).toBe(bytes);
    tf.dispose(xs);
  });

  it.each([
    [
      'an int32 input',
      { x0: () => tf.ones([3]), x1: () => tf.ones([2], 'int32') },
      /"x1" must be a float32/,
      'x1',
    ],
    ['a missing input', { x0: () => tf.ones([3]), x2: () => tf.ones([2]) }, /"x1" is missing/, 'x1'],
    [
      'an input of another name',
      { x0: () => tf.ones([3]), grad1: () => tf.ones([2]) },
      /unexpected input "grad1"/,
      'grad1',
    ],
  ] as const)('%s: SumSquaresMultiInputError naming it, nothing allocated', (_, make, message, input) => {
    const inputs = Object.fromEntries(Object.entries(make).map(([name, f]) => [name, f()]));
    const before = { bytes: cudaBackend().memory().bytesInUse, tensors: tf.memory().numTensors };
    let error: unknown;
    try {
      runSums(inputs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SumSquaresMultiInputError);
    expect((error as Error).message).toMatch(message);
    expect((error as SumSquaresMultiInputError).input).toBe(input);
    expect(cudaBackend().memory().bytesInUse).toBe(before.bytes);
    expect(tf.memory().numTensors).toBe(before.tensors);
    tf.dispose(Object.values(inputs));
  });

  it("clipGradNorm takes the norm with one NerSumSquaresMulti call, as on the cpu to float32's precision", async () => {
    const grads = new Map(SHAPES.map((shape, i) => [`w${i}`, uniformTensor(shape, 60 + i)] as const));
    const runKernel = vi.spyOn(tf.engine(), 'runKernel');
    const clipped = clipGradNorm(grads, 1);
    const kernels = runKernel.mock.calls.map(([name]) => name);
    runKernel.mockRestore();
    expect(kernels.filter((name) => name === SUM_SQUARES_MULTI_KERNEL_NAME)).toHaveLength(1);
    expect(kernels).not.toContain('Square');
    const host = new Map([...grads].map(([name, g]) => [name, g.dataSync()] as const));
    await tf.setBackend('cpu');
    const onCpu = new Map(
      [...host].map(([name, values]) => [name, tf.tensor(values, grads.get(name)!.shape)]),
    );
    const reference = clipGradNorm(onCpu, 1);
    await tf.setBackend('cuda');
    expect(Math.abs(clipped.totalNorm - reference.totalNorm)).toBeLessThanOrEqual(1e-6 * reference.totalNorm);
    expect(clipped.totalNorm).toBeGreaterThan(1);
    tf.dispose([...grads.values(), ...clipped.grads.values()]);
    // The cpu tensors belong to the cpu backend.
    await tf.setBackend('cpu');
    tf.dispose([...onCpu.values(), ...reference.grads.values()]);
    await tf.setBackend('cuda');
  });
});
