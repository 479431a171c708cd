// Reductions over nothing (issue 14, item 9): `mean` of an empty tensor was NaN on native and 0
// on cpu, and max / min were -Infinity / Infinity where cpu gives NaN. Every reduction of an
// empty axis must give what tfjs' cpu backend gives, whichever kernel (native or cpu) runs it.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import '../../src/index.js';
import { describeWithAddon, expectSameAsCpu, runOn } from '../../src/test-helpers.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

type Reduction = (x: tf.Tensor, axis?: number | number[]) => tf.Tensor;

// name, op, the value cpu gives for every output entry of an empty reduction.
const REDUCTIONS: [string, Reduction, number][] = [
  ['sum', (x, axis) => tf.sum(x, axis), 0],
  ['mean', (x, axis) => tf.mean(x, axis), 0],
  ['max', (x, axis) => tf.max(x, axis), Number.NaN],
  ['min', (x, axis) => tf.min(x, axis), Number.NaN],
  ['prod', (x, axis) => tf.prod(x, axis), 1],
  ['logSumExp', (x, axis) => tf.logSumExp(x, axis), Number.NaN],
  ['moments (variance)', (x, axis) => tf.moments(x, axis).variance, 0],
  ['euclideanNorm', (x, axis) => tf.euclideanNorm(x, axis), 0],
];

// shape, axis, output shape: whole tensors and an empty axis beside non-empty ones.
const SHAPES: [number[], number | number[] | undefined, number[]][] = [
  [[0], undefined, []],
  [[2, 0], -1, [2]],
  [[0, 3], 0, [3]],
  [[2, 0, 3], 1, [2, 3]],
  [[2, 0, 3], [0, 2], [0]],
];

describeWithAddon('empty reductions give what the cpu backend gives', () => {
  for (const [name, op, expected] of REDUCTIONS) {
    it.each(SHAPES)(`${name} of zeros(%j) over axis %j`, (shape, axis, outShape) => {
      const x = { values: new Float32Array(0), shape };
      const reduce = (t: tf.Tensor) => op(t, axis);
      expectSameAsCpu([x], reduce, 0, 0, name);
      const [native] = runOn('native', [x], reduce);
      expect(native!.shape).toEqual(outShape);
      for (const value of native!.data) expect(value).toBe(expected);
    });
  }

  it('mean of an empty tensor is 0 on native, as on cpu (not NaN)', () => {
    const [native] = runOn('native', [{ values: new Float32Array(0), shape: [0] }], (t) => tf.mean(t));
    expect(Array.from(native!.data)).toEqual([0]);
  });
});
