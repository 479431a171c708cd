// NerAdamWMulti on cuda is one ner_adamw_multi_f32 launch for all its tensors (torch's
// multi-tensor apply), including tensors of several chunks; a call whose tensors share memory
// they write (the same weight twice) keeps the promised order with one launch per tensor.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { ADAMW_KERNEL_NAME, ADAMW_MULTI_KERNEL_NAME } from '../src/index.js';
import { ADAMW_CHUNK_ELEMENTS } from '../src/kernels/adamw.js';
import { watchAdamWLaunches } from './adamw-launches.js';
import { cudaBackend, onRealGpu, uniformTensor, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** A tensor of two chunks and a bit, one of exactly one chunk, and small ones. */
const SHAPES = [[7, 3], [2 * ADAMW_CHUNK_ELEMENTS + 5], [ADAMW_CHUNK_ELEMENTS], [1], [4, 4, 4]];
const SCALARS = { decayFactor: 0.99999, beta1: 0.9, beta2: 0.999, biasCorrection2Sqrt: 0.0447, eps: 1e-8 };

/** param, grad, m (uniform in [-2, 2)) and v (non-negative) of tensor `i`. */
function stateOf(shape: number[], i: number): tf.Tensor[] {
  return [
    uniformTensor(shape, 10 * i + 1),
    uniformTensor(shape, 10 * i + 2),
    uniformTensor(shape, 10 * i + 3),
    tf.abs(uniformTensor(shape, 10 * i + 4)),
  ];
}

const stepSizeOf = (i: number) => 1e-3 * (i + 1);
const bits = (t: tf.Tensor) => Array.from(new Uint32Array(t.dataSync().slice().buffer));

/** The multi kernel's inputs and attributes for `groups` ([param, grad, m, v] each). */
function multiCall(groups: tf.Tensor[][], inPlace: boolean) {
  const inputs: Record<string, tf.Tensor> = {};
  groups.forEach(([param, grad, m, v], i) => {
    Object.assign(inputs, { [`param${i}`]: param, [`grad${i}`]: grad, [`m${i}`]: m, [`v${i}`]: v });
  });
  const count = groups.length;
  const attrs = {
    inPlace,
    stepSize: groups.map((_, i) => stepSizeOf(i)),
    ...Object.fromEntries(Object.entries(SCALARS).map(([name, value]) => [name, Array(count).fill(value)])),
  };
  return { inputs, attrs };
}

describe('NerAdamWMulti on cuda: one launch', () => {
  it('updates every tensor in one ner_adamw_multi_f32 launch, bit for bit one NerAdamW each', () => {
    const expected = SHAPES.map((shape, i) => {
      const [param, grad, m, v] = stateOf(shape, i);
      const outputs = tf
        .engine()
        .runKernel(
          ADAMW_KERNEL_NAME,
          { param: param!, grad: grad!, m: m!, v: v! },
          { ...SCALARS, stepSize: stepSizeOf(i) },
        ) as tf.Tensor[];
      const result = outputs.map(bits);
      tf.dispose([param!, grad!, m!, v!, ...outputs]);
      return result;
    });
    const groups = SHAPES.map((shape, i) => stateOf(shape, i));
    const bytes = cudaBackend().memory().bytesInUse;
    const watch = watchAdamWLaunches(device);
    const { inputs, attrs } = multiCall(groups, true);
    expect(tf.engine().runKernel(ADAMW_MULTI_KERNEL_NAME, inputs, attrs)).toEqual([]);
    const launches = watch.done();
    if (!onRealGpu) {
      expect(launches.kernels).toEqual(['ner_adamw_multi_f32']);
      expect(launches.tensors).toBe(SHAPES.length);
    }
    // The table of tensors was released after the launch.
    expect(cudaBackend().memory().bytesInUse).toBe(bytes);
    groups.forEach(([param, , m, v], i) => {
      expect([bits(param!), bits(m!), bits(v!)], `tensor ${i}`).toEqual(expected[i]);
    });
    tf.dispose(groups.flat());
  });

  it('the same weight twice, in place: two launches, one after the other, as two NerAdamW calls', () => {
    const [param, grad, m, v] = stateOf([5, 3], 7) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const twice = tf
      .engine()
      .runKernel(
        ADAMW_KERNEL_NAME,
        { param, grad, m, v },
        { ...SCALARS, stepSize: stepSizeOf(0) },
      ) as tf.Tensor[];
    const [p1, m1, v1] = twice as [tf.Tensor, tf.Tensor, tf.Tensor];
    const expected = (
      tf
        .engine()
        .runKernel(
          ADAMW_KERNEL_NAME,
          { param: p1, grad, m: m1, v: v1 },
          { ...SCALARS, stepSize: stepSizeOf(1) },
        ) as tf.Tensor[]
    ).map((t) => {
      const b = bits(t);
      t.dispose();
      return b;
    });
    tf.dispose(twice);
    const watch = watchAdamWLaunches(device);
    const { inputs, attrs } = multiCall(
      [
        [param, grad, m, v],
        [param, grad, m, v],
      ],
      true,
    );
    expect(tf.engine().runKernel(ADAMW_MULTI_KERNEL_NAME, inputs, attrs)).toEqual([]);
    const launches = watch.done();
    if (!onRealGpu) expect(launches.kernels).toEqual(['ner_adamw_f32', 'ner_adamw_f32']);
    expect([bits(param), bits(m), bits(v)]).toEqual(expected);
    tf.dispose([param, grad, m, v]);
  });

  it('the same weight twice with a gradMultiplier: two launches, each scaling the gradient', () => {
    const [param, grad, m, v] = stateOf([5, 3], 8) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const c = Math.fround(0.25);
    const scaled = tf.mul(grad, c);
    const first = tf
      .engine()
      .runKernel(
        ADAMW_KERNEL_NAME,
        { param, grad: scaled, m, v },
        { ...SCALARS, stepSize: stepSizeOf(0) },
      ) as tf.Tensor[];
    const [p1, m1, v1] = first as [tf.Tensor, tf.Tensor, tf.Tensor];
    const second = tf
      .engine()
      .runKernel(
        ADAMW_KERNEL_NAME,
        { param: p1, grad: scaled, m: m1, v: v1 },
        { ...SCALARS, stepSize: stepSizeOf(1) },
      ) as tf.Tensor[];
    const expected = second.map(bits);
    tf.dispose([scaled, ...first, ...second]);
    const multiplier = tf.scalar(c);
    const watch = watchAdamWLaunches(device);
    const { inputs, attrs } = multiCall(
      [
        [param, grad, m, v],
        [param, grad, m, v],
      ],
      true,
    );
    inputs.gradMultiplier = multiplier;
    expect(tf.engine().runKernel(ADAMW_MULTI_KERNEL_NAME, inputs, attrs)).toEqual([]);
    if (!onRealGpu) expect(watch.done().kernels).toEqual(['ner_adamw_f32', 'ner_adamw_f32']);
    expect([bits(param), bits(m), bits(v)]).toEqual(expected);
    tf.dispose([param, grad, m, v, multiplier]);
  });

  it('a gradMultiplier that an in-place step writes is copied first: one launch, its copy released', () => {
    const groups = SHAPES.map((shape, i) => stateOf(shape, i + 20));
    const written = groups[3]![0]!; // param3, shape [1]
    const c = written.dataSync()[0]!;
    const expected = groups.map(([param, grad, m, v], i) => {
      const scaled = tf.mul(grad!, c);
      const outputs = tf
        .engine()
        .runKernel(
          ADAMW_KERNEL_NAME,
          { param: param!, grad: scaled, m: m!, v: v! },
          { ...SCALARS, stepSize: stepSizeOf(i) },
        ) as tf.Tensor[];
      const result = outputs.map(bits);
      tf.dispose([scaled, ...outputs]);
      return result;
    });
    const bytes = cudaBackend().memory().bytesInUse;
    const copied = device.counters.bytesCopied;
    const watch = watchAdamWLaunches(device);
    const { inputs, attrs } = multiCall(groups, true);
    inputs.gradMultiplier = written;
    expect(tf.engine().runKernel(ADAMW_MULTI_KERNEL_NAME, inputs, attrs)).toEqual([]);
    const launches = watch.done();
    if (!onRealGpu) {
      expect(launches.kernels).toEqual(['ner_adamw_multi_f32']);
      expect(device.counters.bytesCopied - copied).toBe(4);
    }
    expect(cudaBackend().memory().bytesInUse).toBe(bytes);
    groups.forEach(([param, , m, v], i) => {
      expect([bits(param!), bits(m!), bits(v!)], `tensor ${i}`).toEqual(expected[i]);
    });
    tf.dispose(groups.flat());
  });
});
