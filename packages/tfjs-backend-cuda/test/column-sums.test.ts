// A float32 Sum over the leading axes (the bias gradients of a training step) runs as one
// product `ones[1, rows] @ x` instead of a transpose and a row reduction: same values as the cpu
// backend, one GEMM and no launch, fp32 whatever the TF32 switch; other reductions keep the
// transpose + row path.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { setAllowTf32 } from '../src/settings.js';
import { expectSameAsCpu } from './compare.js';
import { launchesOf as countLaunches, onRealGpu, uniformTensor, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  setAllowTf32(false);
  await tf.setBackend('cpu');
});

const f = uniformTensor;
const launchesOf = (build: () => tf.Tensor) => countLaunches(device, build);

describe.skipIf(onRealGpu)('Sum over leading axes as a product', () => {
  const leading: [string, number[], number | number[], boolean][] = [
    ['[3, 5, 7] over [0, 1]', [3, 5, 7], [0, 1], false],
    ['[3, 5, 7] over [1, 0], keepDims', [3, 5, 7], [1, 0], true],
    ['[3, 5, 7] over [-3, -2]', [3, 5, 7], [-3, -2], false],
    ['[9, 4] over 0', [9, 4], 0, false],
    ['[2, 3, 2, 5] over [0, 1, 2]', [2, 3, 2, 5], [0, 1, 2], false],
  ];
  for (const [label, shape, axis, keepDims] of leading) {
    it(`${label}: cpu's values, one GEMM, no transpose or row reduction`, async () => {
      await expectSameAsCpu(() => tf.sum(f(shape, 11), axis, keepDims));
      const launches = await launchesOf(() => tf.sum(f(shape, 11), axis, keepDims));
      expect(launches).toEqual({ gemm: 1 });
    });
  }

  it('grows its ones vector past the first 1024 rows', async () => {
    await expectSameAsCpu(() => [
      tf.sum(f([700, 3], 12), 0),
      tf.sum(f([2500, 3], 13), 0),
      tf.sum(f([40, 3], 14), 0),
    ]);
  });

  it('stays fp32 with TF32 allowed (a product over TF32-rounded inputs would be off by ~1e-3)', async () => {
    setAllowTf32(true);
    try {
      await expectSameAsCpu(() => tf.sum(f([64, 33], 15), 0));
      const recorded: boolean[] = [];
      const gemm = device.gemm.bind(device);
      device.gemm = (desc) => {
        recorded.push(desc.tf32);
        gemm(desc);
      };
      try {
        await launchesOf(() => tf.sum(f([64, 33], 15), 0));
      } finally {
        device.gemm = gemm;
      }
      expect(recorded).toEqual([false]);
    } finally {
      setAllowTf32(false);
    }
  });

  it('is the bias gradient of a dense layer (fused matMul + bias)', async () => {
    const grads = () => {
      const x = f([6, 4, 5], 16);
      const w = f([5, 3], 17);
      const b = f([3], 18);
      return tf.grads((bias: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: tf.reshape(x, [24, 5]), b: w, bias }))),
      )([b]);
    };
    await expectSameAsCpu(grads);
  });

  const other: [string, () => tf.Tensor, Record<string, number>][] = [
    ['innermost axes', () => tf.sum(f([4, 6], 19), 1), { ner_reduce_f32: 1 }],
    ['a middle axis', () => tf.sum(f([3, 4, 5], 20), 1), { ner_transpose_32: 1, ner_reduce_f32: 1 }],
    ['one reduced row', () => tf.sum(f([1, 6], 21), 0), { ner_transpose_32: 1, ner_reduce_f32: 1 }],
    ['one kept column', () => tf.sum(f([6, 1], 22), 0), { ner_transpose_32: 1, ner_reduce_f32: 1 }],
    [
      'int32',
      () =>
        tf.sum(
          tf.tensor(
            [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
            [3, 2],
            'int32',
          ),
          0,
        ),
      { ner_transpose_32: 1, ner_reduce_i32: 1 },
    ],
    ['mean', () => tf.mean(f([5, 4], 23), 0), { ner_transpose_32: 1, ner_reduce_f32: 1 }],
  ];
  for (const [label, build, want] of other) {
    it(`${label}: cpu's values on the transpose + row path`, async () => {
      await expectSameAsCpu(build);
      expect(await launchesOf(build)).toEqual(want);
    });
  }

  it('an empty reduction is zeros without a product', async () => {
    await expectSameAsCpu(() => tf.sum(tf.ones([0, 3]), 0));
    expect((await launchesOf(() => tf.sum(tf.ones([0, 3]), 0))).gemm).toBeUndefined();
  });
});
