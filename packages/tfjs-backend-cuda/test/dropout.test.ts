// NerDropout on cuda (fake device): y bit for bit that of the composite ops on the same backend
// (RandomUniform, greaterEqual, cast, two muls) for odd sizes, several rates and seeds (the mask
// itself seen through x = 1); the gradient dy * mask through @ner/models, made by the kernel
// again and keeping nothing; a whole BERT computeGradients the same with the kernel and without
// it; bad calls refused by name before anything is allocated.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { BertConfig, BertForTokenClassification } from '@ner/models';
import { DROPOUT_KERNEL, fusedDropout } from '@ner/models/internal';
import { tinyBertSizes, tinyTokenBatch } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DROPOUT_KERNEL_NAME, DropoutInputError } from '../../../tools/kernel-contract/index.js';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { uniform } from './compare.js';
import { cudaBackend, onRealGpu, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;

beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** The float32 bits of a tensor's values (tells -0 from 0 and compares NaN as bits). */
function bits(t: tf.Tensor): number[] {
  const values = t.dataSync() as Float32Array;
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

/** `nn.ts`' composite dropout on the active backend: the reference. */
function composite(x: tf.Tensor, rate: number, seed: number): { y: tf.Tensor; mask: tf.Tensor } {
  const noise = tf
    .engine()
    .runKernel(
      'RandomUniform',
      {},
      { shape: x.shape, minval: 0, maxval: 1, dtype: 'float32', seed },
    ) as tf.Tensor;
  const mask = tf.mul(tf.cast(tf.greaterEqual(noise, rate), 'float32'), 1 / (1 - rate));
  return { y: tf.mul(x, mask), mask };
}

function fused(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  return tf.engine().runKernel(DROPOUT_KERNEL_NAME, { x }, { rate, seed }) as tf.Tensor;
}

/** The kernel's mask: its output for x = 1 (scale where kept, 0 where dropped). */
function fusedMask(shape: number[], rate: number, seed: number): tf.Tensor {
  const ones = tf.ones(shape);
  const mask = fused(ones, rate, seed);
  ones.dispose();
  return mask;
}

/** `n` values in [-2, 2) with 0, -0, +-Inf and NaN first (as many as fit). */
function input(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from(uniform(n, seed));
  values.set([0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, -1.5].slice(0, n));
  return tf.tensor(values, shape, 'float32');
}

const SHAPES = [[1], [3], [5], [7, 13], [2, 3, 5, 7], [4, 257], [33, 128]];
// Rates that are exact in float32 (0.5, 0) and ones that are not (0.1, 0.37, 1e-7).
const RATES = [0.1, 0.5, 0.9, 0.37, 1e-7, 0];
const SEEDS = [1, 12345, 2 ** 31 - 1, 2 ** 40 + 3, 0.75];

describe('NerDropout on cuda', () => {
  it('is a cuda kernel under the contract name, re-exported by @ner/models', () => {
    expect(DROPOUT_KERNEL_NAME).toBe('NerDropout');
    expect(DROPOUT_KERNEL).toBe(DROPOUT_KERNEL_NAME);
    expect(tf.getKernel(DROPOUT_KERNEL_NAME, 'cuda')).toBeDefined();
  });

  it.each(SHAPES.map((shape, i) => [shape, RATES[i % RATES.length]!, SEEDS[i % SEEDS.length]!] as const))(
    'shape [%s], rate %s, seed %s: y and the mask bit for bit the composite ops',
    (shape, rate, seed) => {
      const x = input([...shape], 7 + shape.length);
      const ref = composite(x, rate, seed);
      if (!onRealGpu) device.resetCounters();
      const before = tf.memory().numTensors;
      const y = fused(x, rate, seed);
      if (!onRealGpu) {
        // One launch, and not the composite ops' kernels.
        expect(device.counters.launches).toEqual({ ner_dropout_f32: 1 });
      }
      // One output: no mask is made.
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(y.shape).toEqual(x.shape);
      expect(y.dtype).toBe('float32');
      const mask = fusedMask([...shape], rate, seed);
      expect(bits(mask)).toEqual(bits(ref.mask));
      expect(bits(y)).toEqual(bits(ref.y));
      tf.dispose([x, y, mask, ref.y, ref.mask]);
    },
  );

  it('over every rate and seed on an odd size: bit for bit, and the kept share is about 1 - rate', () => {
    const n = 4099;
    for (const rate of RATES) {
      for (const seed of SEEDS) {
        const x = input([n], seed * 3 + 1);
        const ref = composite(x, rate, seed);
        const y = fused(x, rate, seed);
        const mask = fusedMask([n], rate, seed);
        expect(bits(mask), `rate ${rate} seed ${seed}`).toEqual(bits(ref.mask));
        expect(bits(y), `rate ${rate} seed ${seed}`).toEqual(bits(ref.y));
        const m = mask.dataSync() as Float32Array;
        const scale = Math.fround(1 / (1 - rate));
        expect(m.every((v) => v === 0 || v === scale)).toBe(true);
        const kept = m.filter((v) => v === scale).length / n;
        expect(Math.abs(kept - (1 - rate)), `rate ${rate} seed ${seed}: kept ${kept}`).toBeLessThan(0.03);
        tf.dispose([x, y, mask, ref.y, ref.mask]);
      }
    }
  });

  it('a draw equal to the rate is kept, as greaterEqual keeps it', () => {
    const shape = [5, 7];
    const noise = tf
      .engine()
      .runKernel(
        'RandomUniform',
        {},
        { shape, minval: 0, maxval: 1, dtype: 'float32', seed: 31 },
      ) as tf.Tensor;
    const drawn = noise.dataSync() as Float32Array;
    const x = input(shape, 4);
    for (const k of [6, 17, 34]) {
      const rate = drawn[k]!;
      const ref = composite(x, rate, 31);
      const y = fused(x, rate, 31);
      const mask = fusedMask(shape, rate, 31);
      expect((mask.dataSync() as Float32Array)[k]).toBe(Math.fround(1 / (1 - rate)));
      expect(bits(mask)).toEqual(bits(ref.mask));
      expect(bits(y)).toEqual(bits(ref.y));
      tf.dispose([y, mask, ref.y, ref.mask]);
    }
    tf.dispose([noise, x]);
  });

  it('another seed gives another mask; the same seed the same one', () => {
    const x = tf.ones([1000]);
    const [a, b, c] = [fused(x, 0.5, 3), fused(x, 0.5, 3), fused(x, 0.5, 4)];
    expect(bits(a)).toEqual(bits(b));
    expect(bits(a)).not.toEqual(bits(c));
    tf.dispose([x, a, b, c]);
  });

  it('an empty x gives empty outputs without a launch', () => {
    const x = tf.zeros([0, 4]);
    if (!onRealGpu) device.resetCounters();
    const y = fused(x, 0.3, 9);
    if (!onRealGpu) expect(device.counters.launches).toEqual({});
    expect(y.shape).toEqual([0, 4]);
    tf.dispose([x, y]);
  });

  it("@ner/models' fusedDropout: gradient dy * mask, bit for bit the composite ops' gradient", () => {
    const shape = [3, 11, 7];
    const x = tf.tensor(Float32Array.from(uniform(231, 5)), shape);
    const dy = tf.tensor(Float32Array.from(uniform(231, 6, -3, 3)), shape);
    const [rate, seed] = [0.2, 99];
    if (!onRealGpu) device.resetCounters();
    const fusedGrad = tf.grad((t: tf.Tensor) => fusedDropout(t, rate, seed))(x, dy);
    // Forward and backward: the kernel twice, the mask drawn again instead of kept.
    if (!onRealGpu) expect(device.counters.launches).toEqual({ ner_dropout_f32: 2 });
    const compositeGrad = tf.grad((t: tf.Tensor) => composite(t, rate, seed).y)(x, dy);
    const { mask } = composite(x, rate, seed);
    const expected = tf.mul(dy, mask);
    expect(bits(fusedGrad)).toEqual(bits(expected));
    expect(bits(fusedGrad)).toEqual(bits(compositeGrad));
    // Some zeroed, some scaled: the check can tell a wrong mask.
    const g = fusedGrad.dataSync();
    expect(g.some((v) => v === 0)).toBe(true);
    expect(g.some((v) => v !== 0)).toBe(true);
    // The forward value too.
    const y = fusedDropout(x, rate, seed);
    expect(bits(y)).toEqual(bits(composite(x, rate, seed).y));
    tf.dispose([x, dy, fusedGrad, compositeGrad, mask, expected, y]);
  });

  it('the forward keeps no tensor beyond its output, with and without a tape', () => {
    const x = tf.ones([5, 9]);
    const before = tf.memory().numTensors;
    const y = fusedDropout(x, 0.4, 1);
    expect(tf.memory().numTensors).toBe(before + 1);
    y.dispose();
    const grad = tf.grad((t: tf.Tensor) => fusedDropout(t, 0.4, 1))(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, grad]);
  });
});

describe('BERT computeGradients on cuda with NerDropout and without it', () => {
  function step(): { loss: number[]; grads: Map<string, number[]>; launches: Record<string, number> } {
    const model = new BertForTokenClassification(new BertConfig({ ...tinyBertSizes(), numLabels: 3 }), {
      seed: 11,
    });
    if (!onRealGpu) device.resetCounters();
    resetFallbackCounts();
    const { loss, grads } = model.computeGradients(tinyTokenBatch(), { training: true });
    const out = {
      loss: bits(loss),
      grads: new Map([...grads].map(([name, g]) => [name, bits(g)])),
      launches: onRealGpu ? {} : { ...device.counters.launches },
    };
    expect(getFallbackCounts()).toEqual({});
    tf.dispose([loss, ...grads.values()]);
    model.dispose();
    return out;
  }

  it('gives identical loss and gradients (bits), with one launch per dropout instead of five kernels', () => {
    const withKernel = step();
    const config = tf.getKernel(DROPOUT_KERNEL_NAME, 'cuda')!;
    expect(config).toBeDefined();
    tf.unregisterKernel(DROPOUT_KERNEL_NAME, 'cuda');
    let without: ReturnType<typeof step>;
    try {
      without = step();
    } finally {
      tf.registerKernel(config);
    }
    expect(withKernel.loss).toEqual(without.loss);
    expect([...withKernel.grads.keys()]).toEqual([...without.grads.keys()]);
    for (const [name, g] of withKernel.grads) expect(g, name).toEqual(without.grads.get(name));
    if (!onRealGpu) {
      // Embeddings, 2 per layer (attention probabilities, attention output), 1 per layer
      // (output), and the classifier's: 1 + 3 * 2 + 1 = 8 dropouts, each run forward and again
      // backward (the gradient draws its mask anew).
      expect(withKernel.launches.ner_dropout_f32).toBe(2 * 8);
      expect(withKernel.launches.ner_random_uniform_f32).toBeUndefined();
      expect(without.launches.ner_dropout_f32).toBeUndefined();
      expect(without.launches.ner_random_uniform_f32).toBe(8);
      const total = (l: Record<string, number>) => Object.values(l).reduce((a, b) => a + b, 0);
      // Four fewer launches per dropout: forward, five kernels become one; backward, the mul
      // by the mask becomes the kernel.
      expect(total(without.launches) - total(withKernel.launches)).toBe(4 * 8);
    }
  });
});

describe('NerDropout refuses bad calls by name, before allocating', () => {
  it.each([
    ['int32 x', () => ({ x: tf.tensor([1, 2, 3], [3], 'int32') }), { rate: 0.1, seed: 1 }, 'x'],
    ['bool x', () => ({ x: tf.tensor([true, false], [2], 'bool') }), { rate: 0.1, seed: 1 }, 'x'],
    ['missing x', () => ({}), { rate: 0.1, seed: 1 }, 'x'],
    ['rate 1', () => ({ x: tf.ones([4]) }), { rate: 1, seed: 1 }, 'rate'],
    ['rate -0.1', () => ({ x: tf.ones([4]) }), { rate: -0.1, seed: 1 }, 'rate'],
    ['rate NaN', () => ({ x: tf.ones([4]) }), { rate: Number.NaN, seed: 1 }, 'rate'],
    ['rate missing', () => ({ x: tf.ones([4]) }), { seed: 1 }, 'rate'],
    ['seed NaN', () => ({ x: tf.ones([4]) }), { rate: 0.1, seed: Number.NaN }, 'seed'],
    ['seed Infinity', () => ({ x: tf.ones([4]) }), { rate: 0.1, seed: Number.POSITIVE_INFINITY }, 'seed'],
  ] as const)('%s', (_, inputs, attrs, at) => {
    const tensors = inputs() as Record<string, tf.Tensor>;
    const count = tf.memory().numTensors;
    const bytes = cudaBackend().memory().bytesInUse;
    if (!onRealGpu) device.resetCounters();
    let error: unknown;
    try {
      tf.engine().runKernel(DROPOUT_KERNEL_NAME, tensors, attrs as unknown as tf.NamedAttrMap);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DropoutInputError);
    expect((error as DropoutInputError).input).toBe(at);
    expect((error as Error).message).toMatch(new RegExp(`^NerDropout: .*"${at}"`));
    expect(tf.memory().numTensors).toBe(count);
    expect(cudaBackend().memory().bytesInUse).toBe(bytes);
    if (!onRealGpu) expect(device.counters.launches).toEqual({});
    tf.dispose(Object.values(tensors));
  });
});
