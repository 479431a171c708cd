// dropout's two paths (nn.ts): the composite ops on a backend without NerDropout (cpu: the same
// numbers as before the kernel existed), and the kernel, inside a customGrad whose gradient is
// the kernel again on dy (dy * mask, the mask made anew from the seed, nothing kept), on a backend
// that registers it (here a stand-in NerDropout registered on cpu for the test, computing the
// composite's own mask, so both paths give the same numbers).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DROPOUT_KERNEL, backendHasKernel } from '../src/fused-kernels.js';
import { dropout } from '../src/nn.js';
import { SeededRandom } from '../src/seeded-random.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  if (tf.getKernel(DROPOUT_KERNEL, 'cpu')) tf.unregisterKernel(DROPOUT_KERNEL, 'cpu');
});

const SHAPE = [3, 5, 7];
const RATE = 0.3;

function bits(t: tf.Tensor): number[] {
  const values = t.dataSync() as Float32Array;
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

function input(): tf.Tensor {
  return tf.tensor(
    Float32Array.from({ length: 105 }, (_, i) => Math.sin(i * 1.7) * 3),
    SHAPE,
  );
}

/** The composite ops by hand, with the seed dropout will draw first from `SeededRandom(seed)`. */
function expected(x: tf.Tensor, rate: number, generatorSeed: number): { y: tf.Tensor; mask: tf.Tensor } {
  const seed = new SeededRandom(generatorSeed).nextSeed();
  const noise = tf.randomUniform(x.shape, 0, 1, 'float32', seed);
  const mask = tf.mul(tf.cast(tf.greaterEqual(noise, rate), 'float32'), 1 / (1 - rate));
  return { y: tf.mul(x, mask), mask };
}

/** Runs `fn` under tf.profile: its result and the kernels it ran, by name. */
async function profiled(fn: () => tf.Tensor): Promise<{ result: tf.Tensor; kernels: string[] }> {
  let result: tf.Tensor | undefined;
  const info = await tf.profile(() => {
    result = fn();
    return result;
  });
  // customGrad's own record has no name.
  return { result: result!, kernels: info.kernels.map((k) => k.name).filter(Boolean) };
}

describe('dropout without NerDropout (cpu)', () => {
  it('takes the composite ops, with the same numbers as before', async () => {
    expect(backendHasKernel(DROPOUT_KERNEL)).toBe(false);
    const x = input();
    const { result, kernels } = await profiled(() =>
      dropout(x, RATE, { training: true, rng: new SeededRandom(8) }),
    );
    expect(kernels).not.toContain(DROPOUT_KERNEL);
    expect(kernels).toEqual(expect.arrayContaining(['GreaterEqual', 'Cast', 'Multiply']));
    const ref = expected(x, RATE, 8);
    expect(bits(result)).toEqual(bits(ref.y));
    tf.dispose([x, result, ref.y, ref.mask]);
  });
});

describe('dropout with NerDropout registered', () => {
  // The seeds the stand-in kernel was called with, and its masks by seed (the composite's).
  const calls: { rate: number; seed: number }[] = [];
  const masks = new Map<number, Float32Array>();

  beforeAll(() => {
    tf.registerKernel({
      kernelName: DROPOUT_KERNEL,
      backendName: 'cpu',
      kernelFunc: ({ inputs, attrs, backend }) => {
        const x = inputs.x as tf.TensorInfo;
        const { rate, seed } = attrs as unknown as { rate: number; seed: number };
        calls.push({ rate, seed });
        const cpu = backend as unknown as {
          readSync(id: unknown): Float32Array;
          makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
        };
        const xs = cpu.readSync(x.dataId);
        const mask = masks.get(seed)!;
        const ys = Float32Array.from(xs, (v, i) => v * mask[i]!);
        return cpu.makeTensorInfo(x.shape, 'float32', ys);
      },
    });
  });
  afterAll(() => {
    tf.unregisterKernel(DROPOUT_KERNEL, 'cpu');
  });

  function prepare(x: tf.Tensor, generatorSeed: number) {
    const ref = expected(x, RATE, generatorSeed);
    masks.set(new SeededRandom(generatorSeed).nextSeed(), ref.mask.dataSync() as Float32Array);
    return ref;
  }

  it('runs the kernel alone (no composite ops) and returns its y', async () => {
    expect(backendHasKernel(DROPOUT_KERNEL)).toBe(true);
    const x = input();
    const ref = prepare(x, 8);
    calls.length = 0;
    const { result, kernels } = await profiled(() =>
      dropout(x, RATE, { training: true, rng: new SeededRandom(8) }),
    );
    expect(kernels).toEqual([DROPOUT_KERNEL]);
    expect(calls).toEqual([{ rate: RATE, seed: new SeededRandom(8).nextSeed() }]);
    expect(bits(result)).toEqual(bits(ref.y));
    tf.dispose([x, result, ref.y, ref.mask]);
  });

  it('its gradient is dy * mask, the composite gradient bit for bit', () => {
    const x = input();
    const ref = prepare(x, 21);
    const dy = tf.tensor(
      Float32Array.from({ length: 105 }, (_, i) => Math.cos(i) * 2),
      SHAPE,
    );
    calls.length = 0;
    const grad = tf.grad((t: tf.Tensor) => dropout(t, RATE, { training: true, rng: new SeededRandom(21) }))(
      x,
      dy,
    );
    const want = tf.mul(dy, ref.mask);
    expect(bits(grad)).toEqual(bits(want));
    // The backward pass is the kernel again with the forward's rate and seed: the mask made anew.
    const seed = new SeededRandom(21).nextSeed();
    expect(calls).toEqual([
      { rate: RATE, seed },
      { rate: RATE, seed },
    ]);
    const g = grad.dataSync();
    expect(g.some((v) => v === 0) && g.some((v) => v !== 0)).toBe(true);
    tf.dispose([x, dy, grad, want, ref.y, ref.mask]);
  });

  it('keeps no tensor for the backward pass: the taped forward holds its output alone', () => {
    const x = input();
    const ref = prepare(x, 5);
    tf.dispose([ref.y, ref.mask]);
    const before = tf.memory().numTensors;
    const grad = tf.grad((t: tf.Tensor) => {
      const y = dropout(t, RATE, { training: true, rng: new SeededRandom(5) });
      // The forward's output and nothing else is alive while the tape is recorded.
      expect(tf.memory().numTensors).toBe(before + 1);
      return y;
    })(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, grad]);
  });

  it('eval mode, rate 0 and rate 1 keep their behaviour and never call it', () => {
    const x = input();
    calls.length = 0;
    expect(dropout(x, RATE, { training: false, rng: new SeededRandom(1) })).toBe(x);
    expect(dropout(x, 0, { training: true, rng: new SeededRandom(1) })).toBe(x);
    const zeros = dropout(x, 1, { training: true, rng: new SeededRandom(1) });
    expect(Array.from(zeros.dataSync())).toEqual(new Array(105).fill(0));
    expect(calls).toEqual([]);
    tf.dispose([x, zeros]);
  });
});
