// Every device kernel against tfjs' cpu backend on random shapes: broadcasting, transposes, odd
// sizes, empty tensors, int32 and bool. Each case also asserts it ran without a cpu fallback.
import '@tensorflow/tfjs-backend-cpu';
import { COMPARE_OPS, FLOAT_BINARY_OPS, opsByName } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cudaKernelNames } from '../src/register.js';
import { expectSameAsCpu, ints, uniform } from './compare.js';
import { useFakeCuda } from './fake-backend.js';

beforeAll(async () => {
  await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const size = (shape: number[]) => shape.reduce((p, s) => p * s, 1);
const f = (shape: number[], seed: number, lo = -2, hi = 2) =>
  tf.tensor(uniform(size(shape), seed, lo, hi), shape);
const i32 = (shape: number[], seed: number, lo = -5, hi = 5) =>
  tf.tensor(ints(size(shape), seed, lo, hi), shape, 'int32');
const bool = (shape: number[], seed: number) => tf.tensor(ints(size(shape), seed, 0, 2), shape, 'bool');

describe('unary float32', () => {
  const positive: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['log', tf.log],
    ['sqrt', tf.sqrt],
    ['rsqrt', tf.rsqrt],
  ];
  const any: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['neg', tf.neg],
    ['exp', tf.exp],
    ['square', tf.square],
    ['abs', tf.abs],
    ['tanh', tf.tanh],
    ['sigmoid', tf.sigmoid],
    ['relu', tf.relu],
    ['reciprocal', tf.reciprocal],
    ['sign', tf.sign],
    ['expm1', tf.expm1],
    ['floor', tf.floor],
    ['ceil', tf.ceil],
    ['round', tf.round],
    ['sin', tf.sin],
    ['cos', tf.cos],
    ['softplus', tf.softplus],
    ['elu', tf.elu],
    ['step', (x) => tf.step(x)],
    ['step with alpha 0.3', (x) => tf.step(x, 0.3)],
    ['isNaN', tf.isNaN],
    ['isFinite', tf.isFinite],
    ['isInf', tf.isInf],
  ];
  it.each(any)('%s on [3, 7]', async (_, op) => {
    await expectSameAsCpu(() => op(f([3, 7], 1, -3, 3)));
  });
  it.each(positive)('%s on positive [5, 3]', async (_, op) => {
    await expectSameAsCpu(() => op(f([5, 3], 2, 0.1, 4)));
  });
  it('log1p above -1', async () => {
    await expectSameAsCpu(() => tf.log1p(f([9], 3, -0.9, 3)));
  });
  it('erf (cpu uses a 1.5e-7 approximation: absolute tolerance 3e-7)', async () => {
    await expectSameAsCpu(() => tf.erf(f([4, 6], 4, -3, 3)), { atol: 3e-7 });
  });
  it('handles an empty tensor', async () => {
    await expectSameAsCpu(() => tf.exp(tf.zeros([0, 3])));
  });
  it('isNaN / isInf see NaN and Infinity', async () => {
    await expectSameAsCpu(() => {
      const x = tf.tensor([Number.NaN, Number.POSITIVE_INFINITY, -1, 0]);
      return [tf.isNaN(x), tf.isInf(x), tf.isFinite(x)];
    });
  });
});

describe('binary with broadcasting', () => {
  const ops = opsByName<tf.Tensor>(tf, [...FLOAT_BINARY_OPS, 'floorDiv', 'mod', 'atan2']);
  const shapes: [number[], number[]][] = [
    [[2, 3, 5], [5]],
    [
      [2, 1, 5],
      [3, 1],
    ],
    [[4, 1], []],
    [[7], [7]],
  ];
  for (const [name, op] of ops) {
    it.each(shapes)(`${name} [%j] with [%j]`, async (sa, sb) => {
      await expectSameAsCpu(() => op(f(sa, 5), f(sb, 6, 0.5, 3)));
    });
  }
  it('pow with a positive base', async () => {
    await expectSameAsCpu(() => tf.pow(f([3, 4], 7, 0.1, 3), f([4], 8)));
  });
  it('7-D broadcast collapses to fit the kernel', async () => {
    await expectSameAsCpu(() => tf.add(f([2, 1, 2, 2, 1, 2, 3], 9), f([2, 1, 1, 1, 3], 10)));
  });
  it('empty broadcast', async () => {
    await expectSameAsCpu(() => tf.mul(tf.ones([0, 4]), f([4], 11)));
  });
  const intOps: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['maximum', tf.maximum],
    ['minimum', tf.minimum],
    ['floorDiv', tf.floorDiv],
    ['mod', tf.mod],
  ];
  it.each(intOps)('int32 %s', async (_, op) => {
    await expectSameAsCpu(() => op(i32([3, 4], 12), i32([4], 13, 1, 6)));
  });
});

describe('compare, logical, select', () => {
  const ops = opsByName<tf.Tensor>(tf, COMPARE_OPS);
  it.each(ops)('float32 %s with broadcasting', async (_, op) => {
    await expectSameAsCpu(() => op(tf.round(f([3, 4], 14)), tf.round(f([4], 15))));
  });
  it.each(ops)('int32 %s', async (_, op) => {
    await expectSameAsCpu(() => op(i32([2, 5], 16, -2, 2), i32([2, 1], 17, -2, 2)));
  });
  it('logicalAnd / logicalOr / logicalNot on bool', async () => {
    await expectSameAsCpu(() => {
      const a = bool([3, 4], 18);
      const b = bool([4], 19);
      return [tf.logicalAnd(a, b), tf.logicalOr(a, b), tf.logicalNot(a)];
    });
  });
  it('where with a broadcast condition, float32 and int32 values', async () => {
    await expectSameAsCpu(() => {
      const cond = bool([3, 1], 20);
      return [tf.where(cond, f([3, 4], 21), f([4], 22)), tf.where(cond, i32([3, 4], 23), i32([3, 4], 24))];
    });
  });
});

describe('cast', () => {
  it('float32 -> int32 truncates, -> bool is != 0', async () => {
    await expectSameAsCpu(() => {
      const x = tf.tensor([-2.7, -0.5, 0, 0.5, 3.9]);
      return [tf.cast(x, 'int32'), tf.cast(x, 'bool')];
    });
  });
  it('int32 -> float32 / bool, bool -> int32 / float32', async () => {
    await expectSameAsCpu(() => {
      const x = i32([6], 25);
      const b = bool([6], 26);
      return [tf.cast(x, 'float32'), tf.cast(x, 'bool'), tf.cast(b, 'int32'), tf.cast(b, 'float32')];
    });
  });
});

describe('reductions', () => {
  const axes: (number | number[] | undefined)[] = [undefined, 0, 1, 2, [0, 2], [1, 2], -1];
  const ops: [string, (x: tf.Tensor, axis?: number | number[], keep?: boolean) => tf.Tensor][] = [
    ['sum', tf.sum],
    ['mean', tf.mean],
    ['max', tf.max],
    ['min', tf.min],
    ['prod', tf.prod],
  ];
  for (const [name, op] of ops) {
    it.each(axes.map((a) => [JSON.stringify(a) ?? 'all', a]))(
      `${name} over %s of [3, 4, 5]`,
      async (_, axis) => {
        await expectSameAsCpu(() => [op(f([3, 4, 5], 27, 0.5, 1.5), axis), op(f([3, 4, 5], 28), axis, true)]);
      },
    );
  }
  it('int32 sum / max / min / prod and sum of bool', async () => {
    await expectSameAsCpu(() => {
      const x = i32([4, 3], 29);
      return [tf.sum(x, 0), tf.max(x, 1), tf.min(x), tf.prod(x, 1), tf.sum(bool([4, 3], 30), 1)];
    });
  });
  it('any / all on bool', async () => {
    await expectSameAsCpu(() => {
      const x = bool([3, 5], 31);
      return [tf.any(x, 1), tf.all(x, 0), tf.any(x), tf.all(x, 1, true)];
    });
  });
  it('argMax / argMin over each axis', async () => {
    await expectSameAsCpu(() => {
      const x = f([4, 7, 3], 32);
      return [tf.argMax(x, 0), tf.argMax(x, 1), tf.argMin(x, 2), tf.argMin(x, -1)];
    });
  });
  it('sum over an empty axis gives zeros', async () => {
    await expectSameAsCpu(() => tf.sum(tf.ones([0, 3]), 0));
  });
});

describe('softmax, transpose, gather, scatter', () => {
  it('softmax and logSoftmax over the last axis', async () => {
    await expectSameAsCpu(() => {
      const x = f([2, 3, 17], 33, -5, 5);
      return [tf.softmax(x), tf.logSoftmax(x)];
    });
  });
  it.each([[[1, 0, 2]], [[2, 0, 1]], [[0, 2, 1]], [[1, 2, 0]]])(
    'transpose %j of float32 and int32',
    async (perm) => {
      await expectSameAsCpu(() => [
        tf.transpose(f([2, 3, 5], 34), perm),
        tf.transpose(i32([2, 3, 5], 35), perm),
      ]);
    },
  );
  it('gather along axis 0 and 1 (float32, int32)', async () => {
    await expectSameAsCpu(() => {
      const idx = tf.tensor([2, 0, 2, 1], [2, 2], 'int32');
      return [
        tf.gather(f([3, 4], 36), idx, 0),
        tf.gather(f([2, 3, 4], 37), idx, 1),
        tf.gather(i32([3, 2], 38), idx),
      ];
    });
  });
  it('unsortedSegmentSum', async () => {
    await expectSameAsCpu(() =>
      tf.unsortedSegmentSum(f([6, 3], 39), tf.tensor([0, 2, 0, 3, 2, 2], [6], 'int32'), 5),
    );
  });
  it('scatterND with repeated indices adds', async () => {
    await expectSameAsCpu(() =>
      tf.scatterND(tf.tensor([[1], [3], [1]], [3, 1], 'int32'), f([3, 4], 40), [5, 4]),
    );
  });
  it('scatterND with depth 2', async () => {
    await expectSameAsCpu(() =>
      tf.scatterND(
        tf.tensor(
          [
            [0, 1],
            [2, 0],
          ],
          [2, 2],
          'int32',
        ),
        f([2], 41),
        [3, 2],
      ),
    );
  });
});

describe('shape kernels', () => {
  it('reshape, expandDims, squeeze share data', async () => {
    await expectSameAsCpu(() => {
      const x = f([2, 3], 42);
      return [tf.reshape(x, [3, 2]), tf.expandDims(x, 1), tf.squeeze(tf.reshape(x, [1, 6]))];
    });
  });
  it('pad with a constant (float32, int32)', async () => {
    await expectSameAsCpu(() => [
      tf.pad(
        f([2, 3], 43),
        [
          [1, 0],
          [2, 3],
        ],
        -1.5,
      ),
      tf.pad(i32([3], 44), [[2, 1]], 7),
    ]);
  });
  it('concat along each axis, with an empty input', async () => {
    await expectSameAsCpu(() => {
      const a = f([2, 3], 45);
      const b = f([2, 2], 46);
      return [tf.concat([a, b], 1), tf.concat([a, f([1, 3], 47)], 0), tf.concat([a, tf.zeros([0, 3])], 0)];
    });
  });
  it('stack and tile', async () => {
    await expectSameAsCpu(() => {
      const a = f([2, 3], 48);
      return [tf.stack([a, a, a], 1), tf.tile(a, [2, 3]), tf.tile(i32([3], 49), [2])];
    });
  });
  it('slice and stridedSlice (steps, negative steps, shrink)', async () => {
    await expectSameAsCpu(() => {
      const x = f([4, 5, 3], 50);
      return [
        tf.slice(x, [1, 0, 1], [2, 4, 2]),
        tf.slice(x, [0, 2], [-1, 2]),
        tf.stridedSlice(x, [0, 1, 0], [4, 5, 3], [2, 2, 1]),
        tf.stridedSlice(x, [3, 4, 2], [0, 0, 0], [-1, -2, -1]),
        tf.stridedSlice(x, [1, 0, 0], [2, 5, 3], [1, 1, 1], 0, 0, 0, 0, 1),
      ];
    });
  });
  it('fill, zerosLike, onesLike, oneHot, range', async () => {
    await expectSameAsCpu(() => [
      tf.fill([2, 3], 2.5),
      tf.fill([3], 4, 'int32'),
      tf.zerosLike(i32([2, 2], 51)),
      tf.onesLike(f([3], 52)),
      tf.oneHot(tf.tensor([0, 3, 1, 5], [4], 'int32'), 4),
      tf.oneHot(tf.tensor([2, 0], [2], 'int32'), 3, 5, -1, 'float32'),
      tf.range(0.5, 4, 0.75),
      tf.range(3, -2, -1.5),
    ]);
  });
  it('identity through clone', async () => {
    await expectSameAsCpu(() => tf.clone(f([4], 53)));
  });
});

describe('matMul', () => {
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['plain', [3, 5], [5, 4], false, false],
    ['transposeA', [5, 3], [5, 4], true, false],
    ['transposeB', [3, 5], [4, 5], false, true],
    ['both', [5, 3], [4, 5], true, true],
    ['batched', [2, 3, 5], [2, 5, 4], false, false],
    ['broadcast right', [2, 3, 5], [5, 4], false, false],
    ['broadcast left', [3, 5], [2, 5, 4], false, false],
    ['broadcast right, transposed left', [2, 5, 3], [5, 4], true, false],
    ['odd sizes', [1, 17, 33], [1, 33, 9], false, false],
  ];
  it.each(cases)('%s: [%j] x [%j]', async (_, sa, sb, ta, tb) => {
    await expectSameAsCpu(() => tf.matMul(f(sa, 54), f(sb, 55), ta, tb));
  });
  it('broadcast on both sides: [2, 1, 3, 5] x [1, 3, 5, 4] (cpu given the broadcast inputs: its kernel mis-shapes this case)', async () => {
    await expectSameAsCpu(() => {
      const a = f([2, 1, 3, 5], 54);
      const b = f([1, 3, 5, 4], 55);
      return tf.getBackend() === 'cpu'
        ? tf.matMul(tf.broadcastTo(a, [2, 3, 3, 5]), tf.broadcastTo(b, [2, 3, 5, 4]))
        : tf.matMul(a, b);
    });
  });
  it('k = 0 and m = 0 give zeros / empty', async () => {
    await expectSameAsCpu(() => [
      tf.matMul(tf.ones([3, 0]), tf.ones([0, 2])),
      tf.matMul(tf.ones([0, 4]), f([4, 2], 56)),
    ]);
  });
  it('fused matMul: bias vector, bias matrix, relu, sigmoid', async () => {
    await expectSameAsCpu(() => {
      const a = f([2, 3, 5], 57);
      const b = f([5, 4], 58);
      return [
        tf.fused.matMul({ a, b, bias: f([4], 59) }),
        tf.fused.matMul({ a, b, bias: f([3, 4], 60), activation: 'relu' }),
        tf.fused.matMul({ a, b, bias: f([4], 61), activation: 'relu' }),
        tf.fused.matMul({ a, b: f([4, 5], 62), transposeB: true, activation: 'sigmoid' }),
      ];
    });
  });
});

describe('gradients through the device kernels', () => {
  it('a small network: matMul, softmax cross-entropy, gather; gradients match cpu', async () => {
    await expectSameAsCpu(() => {
      const w = f([6, 4], 63);
      const emb = f([10, 6], 64);
      const ids = tf.tensor([1, 4, 9], [3], 'int32');
      const labels = tf.oneHot(tf.tensor([0, 3, 2], [3], 'int32'), 4);
      const loss = (wv: tf.Tensor, ev: tf.Tensor) =>
        tf.losses.softmaxCrossEntropy(labels, tf.matMul(tf.gather(ev, ids), wv)) as tf.Scalar;
      const grads = tf.grads(loss)([w, emb]);
      return [loss(w, emb), ...grads];
    });
  });
});

it('registers a device kernel for every name a BERT step uses', () => {
  const names = cudaKernelNames();
  for (const name of [
    'BatchMatMul',
    '_FusedMatMul',
    'NerLayerNorm',
    'NerLayerNormGrad',
    'NerGeluErf',
    'NerGeluErfGrad',
    'NerSoftmaxGrad',
    'NerAdamW',
    'NerAdamWMulti',
    'Softmax',
    'GatherV2',
    'UnsortedSegmentSum',
    'ScatterNd',
  ]) {
    expect(names).toContain(name);
  }
});

describe('RandomUniform', () => {
  it('draws in [min, max); one seed gives the same values, another seed others', () => {
    const draw = (seed: number) =>
      tf
        .engine()
        .runKernel(
          'RandomUniform',
          {},
          { shape: [1001], minval: -1, maxval: 3, dtype: 'float32', seed },
        ) as tf.Tensor;
    const [a, b, c] = [draw(7), draw(7), draw(8)];
    const values = Array.from(a.dataSync() as Float32Array);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...values)).toBeLessThan(3);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.15);
    expect([...b.dataSync()]).toEqual(values);
    expect([...c.dataSync()]).not.toEqual(values);
    tf.dispose([a, b, c]);
  });
});

describe('matMul with k = 0 and an epilogue', () => {
  it('gives the bias, then relu, without a product', async () => {
    await expectSameAsCpu(() => [
      tf.fused.matMul({ a: tf.ones([3, 0]), b: tf.ones([0, 2]), bias: tf.tensor([-1, 2]) }),
      tf.fused.matMul({
        a: tf.ones([3, 0]),
        b: tf.ones([0, 2]),
        bias: tf.tensor([-1, 2]),
        activation: 'relu',
      }),
    ]);
  });
});
