// Every native kernel against the tfjs cpu backend on seeded random shapes, including
// broadcasting and transposed cases. Tolerances: float32 elementwise ops 1e-6 relative
// (+1e-6 absolute; exp/erf/tanh/pow differ from the cpu's double-precision Math.* by
// an ulp or two, and the cpu's erf is an approximation with error < 1.5e-7); GEMM and
// sums 1e-5 relative + 1e-5 absolute (blocked summation order differs from the cpu's).
import * as tf from '@tensorflow/tfjs-core';
import { COMPARE_OPS, FLOAT_BINARY_OPS, opsByName } from '../../../tools/test-support/index.js';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { addon } from './addon.js';
import './index.js';
import {
  describeWithAddon,
  type Input,
  expectSameAsCpu,
  randomArray,
  randomInts,
  rng,
  runOn,
} from './test-helpers.js';

const d = describeWithAddon;

function input(random: () => number, shape: number[], low = -2, high = 2): Input {
  return {
    values: randomArray(
      random,
      shape.reduce((p, q) => p * q, 1),
      low,
      high,
    ),
    shape,
  };
}

beforeAll(async () => {
  await tf.ready();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Asserts that `fn` reached the addon's `name` function (so no silent cpu fallback). */
function expectNative(name: keyof NonNullable<typeof addon>, fn: () => void): void {
  const spy = vi.spyOn(addon!, name);
  try {
    fn();
    expect(spy, `addon.${name} was not called`).toHaveBeenCalled();
  } finally {
    spy.mockRestore();
  }
}

d('BatchMatMul', () => {
  const random = rng(1);
  const cases: [number[], number[], boolean, boolean][] = [
    [[7, 5], [5, 3], false, false],
    [[5, 7], [5, 3], true, false],
    [[7, 5], [3, 5], false, true],
    [[5, 7], [3, 5], true, true],
    [[4, 9, 6], [4, 6, 11], false, false],
    [[4, 6, 9], [4, 11, 6], true, true],
    [[2, 3, 8, 16], [2, 3, 16, 8], false, false], // attention-like batch
    [[4, 2, 5, 4], [2, 4, 6], false, false], // batch broadcasting of b
    [[1, 5, 4], [3, 4, 6], false, false],
    [[2, 64, 96], [96, 130], false, false], // rank 3 by rank 2
    [[130, 70], [90, 70], false, true], // big enough to be threaded
    [[1, 1], [1, 1], false, false],
    [[3, 0], [0, 4], false, false], // k = 0: zeros
  ];
  it.each(cases)('%j x %j transposeA=%s transposeB=%s', (aShape, bShape, ta, tb) => {
    const a = input(random, aShape);
    const b = input(random, bShape);
    expectNative('gemm', () => {
      expectSameAsCpu([a, b], (x, y) => tf.matMul(x!, y!, ta, tb), 1e-5, 1e-5);
    });
  });

  // Shapes at the AVX-512 panel kernel's block edges (panel_gemm.cc: 32-column panels, 12-row
  // register blocks, 96-row chunks, k in slices of 256), ragged on every side. Long sums
  // (k up to 600) differ from the cpu's double-precision accumulation by a few 1e-5.
  const blocked: [number[], number[], boolean, boolean][] = [
    [[37, 600], [600, 70], false, false],
    [[205, 300], [300, 47], false, false],
    [[300, 29], [300, 33], true, false],
    [[50, 520], [65, 520], false, true],
    [[270, 13], [31, 270], true, true],
    [[12, 256], [256, 32], false, false],
    [[13, 257], [257, 16], false, false],
    [[97, 17], [17, 1], false, false],
    [[3, 30, 64], [3, 64, 30], false, false],
  ];
  it.each(blocked)('%j x %j transposeA=%s transposeB=%s (block edges)', (aShape, bShape, ta, tb) => {
    const a = input(random, aShape, -1, 1);
    const b = input(random, bShape, -1, 1);
    expectNative('gemm', () => {
      expectSameAsCpu([a, b], (x, y) => tf.matMul(x!, y!, ta, tb), 1e-4, 1e-5);
    });
  });

  it('broadcasts batch dims on both sides (numpy rules; the cpu kernel only handles suffix broadcasts)', () => {
    const a = input(random, [3, 1, 5, 4]);
    const b = input(random, [1, 2, 4, 6]);
    // Reference: the cpu product of explicitly tiled inputs.
    const want = runOn('cpu', [a, b], (x, y) =>
      tf.matMul(tf.tile(x!, [1, 2, 1, 1]), tf.tile(y!, [3, 1, 1, 1])),
    )[0]!;
    const got = runOn('native', [a, b], (x, y) => tf.matMul(x!, y!))[0]!;
    expect(got.shape).toEqual([3, 2, 5, 6]);
    expect(got.data.length).toBe(want.data.length);
    for (let i = 0; i < want.data.length; i++) {
      expect(Math.abs(Number(got.data[i]) - Number(want.data[i]))).toBeLessThanOrEqual(
        1e-5 + 1e-5 * Math.abs(Number(want.data[i])),
      );
    }
  });

  it('_FusedMatMul gradients (tfjs custom gradient: activation derivative, both products, bias sum)', () => {
    const a = input(random, [5, 7]);
    const b = input(random, [7, 4]);
    const bias = input(random, [4]);
    // tfjs-core's Node build registers no gradients; fused.matMul reshapes inside its custom gradient.
    if (!tf.getGradient('Reshape')) {
      tf.registerGradient({
        kernelName: 'Reshape',
        inputsToSave: ['x'],
        gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as tf.Tensor, x!.shape) }),
      });
    }
    // Under a gradient tape tfjs only fuses the linear activation (others run unfused ops).
    expectNative('gemm', () => {
      expectSameAsCpu(
        [a, b, bias],
        (x, y, z) =>
          tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
            tf.fused.matMul({ a: p as tf.Tensor2D, b: q as tf.Tensor2D, bias: r }),
          )([x!, y!, z!]),
        1e-5,
        1e-5,
      );
    });
  });

  it('rejects mismatched inner dimensions with the tfjs message', () => {
    tf.setBackend('native');
    expect(() => tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2])))).toThrow(
      /inner shapes \(3\) and \(4\)/,
    );
  });

  it('_FusedMatMul with bias and relu / sigmoid / linear', () => {
    for (const activation of ['linear', 'relu', 'sigmoid'] as const) {
      const a = input(random, [6, 9]);
      const b = input(random, [9, 5]);
      const bias = input(random, [5]);
      expectNative('gemm', () => {
        expectSameAsCpu(
          [a, b, bias],
          (x, y, z) => tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias: z, activation }),
          1e-5,
          1e-5,
          activation,
        );
      });
    }
    // elu is not native: the whole kernel runs on the cpu path, and still agrees.
    const a = input(random, [3, 4]);
    const b = input(random, [4, 2]);
    expectSameAsCpu(
      [a, b],
      (x, y) => tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, activation: 'elu' }),
      1e-6,
      1e-6,
    );
  });
});

d('unary kernels', () => {
  const random = rng(2);
  const ops: [string, (x: tf.Tensor) => tf.Tensor, number, number][] = [
    ['exp', tf.exp, -3, 3],
    ['log', tf.log, 0.01, 5],
    ['sqrt', tf.sqrt, 0, 5],
    ['rsqrt', tf.rsqrt, 0.01, 5],
    ['square', tf.square, -3, 3],
    ['tanh', tf.tanh, -4, 4],
    ['erf', tf.erf, -3, 3],
    ['neg', tf.neg, -3, 3],
    ['sigmoid', tf.sigmoid, -6, 6],
    ['relu', tf.relu, -3, 3],
    ['abs', tf.abs, -3, 3],
    ['reciprocal', tf.reciprocal, 0.1, 3],
    ['log1p', tf.log1p, -0.5, 3],
  ];
  it.each(ops)('%s', (_name, fn, low, high) => {
    for (const shape of [[1], [3, 7], [2, 50, 700]]) {
      const x = input(random, shape, low, high);
      expectNative('unary', () => expectSameAsCpu([x], (t) => fn(t!), 1e-6, 1e-6, `${_name} ${shape}`));
    }
  });

  it('int32 inputs use the cpu kernels (same results)', () => {
    const x: Input = { values: Int32Array.from([-3, 0, 4]), shape: [3] };
    expectSameAsCpu([x], (t) => tf.neg(t!), 0, 0);
    expectSameAsCpu([x], (t) => tf.abs(t!), 0, 0);
  });
});

d('Cast', () => {
  const random = rng(8);
  it('bool and int32 to float32 give a real Float32Array (so later ops stay native)', () => {
    const bools: Input = { values: randomInts(random, 40000, 2), shape: [200, 200] };
    const ints: Input = { values: randomInts(random, 1000, 100000), shape: [1000] };
    expectSameAsCpu([bools], (t) => tf.cast(tf.cast(t!, 'bool'), 'float32'), 0, 0);
    expectSameAsCpu([ints], (t) => tf.cast(t!, 'float32'), 0, 0);
    tf.setBackend('native');
    tf.tidy(() => {
      const mask = tf.cast(tf.greater(tf.tensor1d([1, -1, 2]), 0), 'float32');
      expect(tf.backend().readSync(mask.dataId)).toBeInstanceOf(Float32Array);
      expectNative('binary', () => expect(Array.from(tf.mul(mask, 3).dataSync())).toEqual([3, 0, 3]));
    });
  });
  it('float32 to int32 and bool use the cpu kernel', () => {
    const x: Input = { values: Float32Array.from([-1.7, 0, 0.2, 3.9]), shape: [4] };
    expectSameAsCpu([x], (t) => tf.cast(t!, 'int32'), 0, 0);
    expectSameAsCpu([x], (t) => tf.cast(t!, 'bool'), 0, 0);
  });
});

d('broadcasting binary kernels', () => {
  const random = rng(3);
  const shapes: [number[], number[]][] = [
    [[5], [5]],
    [
      [2, 3, 4],
      [2, 3, 4],
    ],
    [[2, 3, 4], [4]], // bias add
    [
      [2, 3, 4],
      [3, 1],
    ], // column broadcast
    [
      [2, 3, 4],
      [2, 3, 1],
    ], // layer-norm mean
    [
      [2, 1, 4],
      [1, 3, 1],
    ], // both broadcast
    [[], [3, 2]], // scalar
    [
      [4, 1, 1, 6],
      [4, 1, 5, 1],
    ],
    [
      [2, 12, 16, 16],
      [2, 1, 1, 16],
    ], // attention mask
    [[64, 600], [600]], // threaded
    [
      [300, 400],
      [300, 400],
    ], // one long collapsed row, split across threads
    [[300, 400], []], // scalar operand, split across threads
    [[3, 0, 2], [2]], // empty
  ];
  const ops = opsByName<tf.Tensor>(tf, FLOAT_BINARY_OPS);
  for (const [name, fn] of ops) {
    it.each(shapes)(`${name} %j with %j`, (aShape, bShape) => {
      const a = input(random, aShape);
      const b = input(random, bShape, 0.5, 2);
      const run = () => {
        expectSameAsCpu([a, b], (x, y) => fn(x!, y!), 1e-6, 1e-6);
        expectSameAsCpu([b, a], (x, y) => fn(x!, y!), 1e-6, 1e-6);
      };
      if (aShape.includes(0)) run();
      else expectNative('binary', run);
    });
  }
  it.each(opsByName<tf.Tensor>(tf, COMPARE_OPS))('%s, broadcasting, bool output', (_name, fn) => {
    // Values on a coarse grid so that ties (equal elements) occur; NaN compares like the cpu kernel.
    const grid = (shape: number[]): Input => {
      const x = input(random, shape);
      x.values = x.values.map((v) => Math.round(v * 2) / 2) as Float32Array;
      return x;
    };
    for (const [aShape, bShape] of [
      [
        [4, 6],
        [4, 6],
      ],
      [[2, 3, 40], [40]],
      [[64, 600], []], // dropout mask: noise >= rate
    ]) {
      const a = grid(aShape!);
      const b = grid(bShape!);
      expectNative('compare', () => {
        expectSameAsCpu([a, b], (x, y) => fn(x!, y!), 0, 0);
        expectSameAsCpu([b, a], (x, y) => fn(x!, y!), 0, 0);
      });
    }
    const nan: Input = { values: Float32Array.from([Number.NaN, 1, Number.NaN]), shape: [3] };
    const one: Input = { values: Float32Array.from([1, Number.NaN, Number.NaN]), shape: [3] };
    expectSameAsCpu([nan, one], (x, y) => fn(x!, y!), 0, 0);
  });
  it('pow with positive bases, broadcasting', () => {
    const a = input(random, [3, 4], 0.1, 3);
    const b = input(random, [4], -2, 3);
    expectNative('binary', () => expectSameAsCpu([a, b], (x, y) => tf.pow(x!, y!), 1e-6, 1e-5));
  });
  it('incompatible shapes are rejected', () => {
    tf.setBackend('native');
    expect(() => tf.tidy(() => tf.add(tf.ones([2, 3]), tf.ones([4])))).toThrow(/could not be broadcast/);
  });
  it('int32 add stays exact (cpu path)', () => {
    const a: Input = { values: Int32Array.from([1, 2, 3, 4]), shape: [2, 2] };
    const b: Input = { values: Int32Array.from([10, 20]), shape: [2] };
    expectSameAsCpu([a, b], (x, y) => tf.add(x!, y!), 0, 0);
  });
});

d('reductions', () => {
  const random = rng(4);
  const cases: [number[], number | number[] | undefined, boolean][] = [
    [[7], undefined, false],
    [[3, 5], -1, false],
    [[3, 5], 0, false], // bias gradient: leading axis
    [[3, 5], [0, 1], true],
    [[2, 3, 4], 1, true], // middle axis
    [[2, 3, 4], [0, 2], false], // non-contiguous: transposed first
    [[2, 3, 4, 5], [1, 3], true],
    [[512, 300], 0, false], // threaded over columns
    [[300, 512], 1, false], // threaded over rows
    [[4, 6], [], false], // no axes
  ];
  const ops: [string, typeof tf.sum][] = [
    ['sum', tf.sum],
    ['mean', tf.mean],
    ['max', tf.max],
    ['min', tf.min],
  ];
  for (const [name, fn] of ops) {
    it.each(cases)(`${name} of %j over %j keepDims=%s`, (shape, axis, keepDims) => {
      const x = input(random, shape);
      expectNative('reduce', () => expectSameAsCpu([x], (t) => fn(t!, axis, keepDims), 1e-5, 1e-5));
    });
  }
});

d('Softmax', () => {
  const random = rng(5);
  it.each([[[5]], [[3, 7]], [[2, 4, 16, 16]], [[64, 1000]]])('shape %j', (shape) => {
    const x = input(random, shape, -10, 10);
    expectNative('softmax', () => expectSameAsCpu([x], (t) => tf.softmax(t!), 1e-7, 1e-5));
  });
  it('masked rows (finfo.min added) stay finite and sum to one', () => {
    const x: Input = {
      values: Float32Array.from([1, -3.4028234663852886e38, 2, -3.4028234663852886e38]),
      shape: [2, 2],
    };
    expectSameAsCpu([x], (t) => tf.softmax(t!), 1e-7, 1e-6);
  });
});

d('Transpose', () => {
  const random = rng(6);
  const cases: [number[], number[]][] = [
    [
      [3, 4],
      [1, 0],
    ],
    [
      [2, 3, 4],
      [0, 2, 1],
    ],
    [
      [2, 5, 3, 4],
      [0, 2, 1, 3],
    ], // split/merge heads
    [
      [2, 5, 3, 4],
      [3, 1, 0, 2],
    ],
    [
      [64, 700],
      [1, 0],
    ], // threaded
    [
      [2, 1, 3],
      [1, 2, 0],
    ],
  ];
  it.each(cases)('%j perm %j', (shape, perm) => {
    const x = input(random, shape);
    expectNative('transpose', () => expectSameAsCpu([x], (t) => tf.transpose(t!, perm), 0, 0));
    const ints: Input = { values: randomInts(random, x.values.length, 100), shape };
    expectNative('transpose', () => expectSameAsCpu([ints], (t) => tf.transpose(t!, perm), 0, 0));
  });
});

d('PadV2', () => {
  const random = rng(9);
  it.each([
    [[5], [[2, 3]], 0],
    [
      [3, 4],
      [
        [1, 2],
        [0, 3],
      ],
      0,
    ],
    [
      [2, 3, 4],
      [
        [0, 1],
        [2, 0],
        [1, 1],
      ],
      1.5,
    ], // constant value
    [
      [128, 64],
      [
        [0, 384],
        [0, 0],
      ],
      0,
    ], // slice gradient of a position table
    [
      [2, 1, 3],
      [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      0,
    ], // no padding
  ] as [number[], [number, number][], number][])('%j padded by %j with %d', (shape, paddings, value) => {
    expect(tf.getKernel('PadV2', 'native')!.kernelFunc).not.toBe(tf.getKernel('PadV2', 'cpu')!.kernelFunc);
    const x = input(random, shape);
    expectSameAsCpu([x], (t) => tf.pad(t!, paddings, value), 0, 0);
    const ints: Input = { values: randomInts(random, x.values.length, 9), shape };
    expectSameAsCpu([ints], (t) => tf.pad(t!, paddings, value === 0 ? 0 : 2), 0, 0);
  });
});

d('GatherV2, ScatterNd, UnsortedSegmentSum', () => {
  const random = rng(7);
  it.each([
    [[10, 4], [6], 0],
    [[10, 4], [2, 3], 0],
    [[3, 10, 4], [5], 1],
    [[3, 10], [7], 1],
    [[300, 128], [8, 64], 0], // embedding lookup, threaded
  ] as [number[], number[], number][])('gather %j at %j on axis %d', (shape, idShape, axis) => {
    const x = input(random, shape);
    const ids: Input = {
      values: randomInts(
        random,
        idShape.reduce((p, q) => p * q, 1),
        shape[axis]!,
      ),
      shape: idShape,
    };
    expectNative('gather', () => expectSameAsCpu([x, ids], (t, i) => tf.gather(t!, i!, axis), 0, 0));
  });
  it('gather of int32 params', () => {
    const x: Input = { values: randomInts(random, 20, 50), shape: [5, 4] };
    const ids: Input = { values: Int32Array.from([4, 0, 4]), shape: [3] };
    expectNative('gather', () => expectSameAsCpu([x, ids], (t, i) => tf.gather(t!, i!), 0, 0));
  });
  it('gather rejects an out-of-range index like the cpu backend', () => {
    tf.setBackend('native');
    expect(() => tf.tidy(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([0, 3], 'int32')))).toThrow(
      'GatherV2: the index value 3 is not in [0, 2]',
    );
  });
  it.each([
    [[50, 4], 60, 1],
    [[30, 128], 400, 1], // embedding gradient, duplicates, threaded
    [[4, 5, 3], 12, 2], // depth-2 indices
  ] as [number[], number, number][])('scatterND into %j with %d rows of depth %d', (shape, rows, depth) => {
    const idValues = new Int32Array(rows * depth);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < depth; j++) idValues[i * depth + j] = Math.floor(random() * shape[j]!);
    const ids: Input = { values: idValues, shape: [rows, depth] };
    const updates = input(random, [rows, ...shape.slice(depth)]);
    expectNative('scatterAdd', () =>
      expectSameAsCpu([ids, updates], (i, u) => tf.scatterND(i!, u!, shape), 1e-6, 1e-6),
    );
  });
  it('scatterND rejects an out-of-range index like the cpu backend', () => {
    tf.setBackend('native');
    expect(() =>
      tf.tidy(() => tf.scatterND(tf.tensor2d([[1], [5]], [2, 1], 'int32'), tf.ones([2, 3]), [4, 3])),
    ).toThrow('Invalid indices: 5 does not index into 4,3');
  });
  it('unsortedSegmentSum, duplicates and ids beyond numSegments dropped', () => {
    const x = input(random, [40, 6]);
    const ids: Input = { values: randomInts(random, 40, 9), shape: [40] };
    expectNative('scatterAdd', () =>
      expectSameAsCpu([x, ids], (t, i) => tf.unsortedSegmentSum(t!, i as tf.Tensor1D, 7), 1e-6, 1e-6),
    );
  });
});
