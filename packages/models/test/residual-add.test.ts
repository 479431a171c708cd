// A training layer's residual connections go through residualAdd (src/nn.ts): a custom gradient
// that keeps nothing, where tfjs' Add keeps both inputs for their shapes. Its value and gradients
// are the ops' own bit for bit, on cpu and native, through tfjs' backward pass and ours; the branch
// it adds is freed with its scope instead of living until the backward pass.
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { registerGradients } from '../src/index.js';
import { leanVariableGrads } from '../src/lean-gradients.js';
import { residualAdd } from '../src/nn.js';
import { type OracleBackend, restoreCpu, useBackend } from './backends.js';

afterAll(restoreCpu);

const backends: OracleBackend[] = nativeBackendInfo().available ? ['cpu', 'native'] : ['cpu'];

/** The same float32 values, bit for bit (a list compare would call -0 and 0 equal). */
function bits(t: tf.Tensor): number[] {
  const values = t.dataSync() as Float32Array;
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

describe.each(backends)('residualAdd on %s', (backend) => {
  it("gives the ops' value and gradients bit for bit, through tfjs' backward pass and ours", async () => {
    await useBackend(backend);
    registerGradients();
    const x = tf.variable(tf.randomUniform([2, 5, 6], -2, 2, 'float32', 3), true, `ra-x-${backend}`);
    const w = tf.variable(tf.randomUniform([6, 6], -1, 1, 'float32', 4), true, `ra-w-${backend}`);
    const weights = tf.randomUniform([2, 5, 6], -1, 1, 'float32', 5);
    // As in a layer: the residual `x` also feeds the branch, so its gradient adds up from both.
    const loss = (add: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => () => {
      const branch = tf.tanh(tf.reshape(tf.matMul(tf.reshape(x, [10, 6]), w), [2, 5, 6]));
      return tf.sum(tf.mul(tf.tanh(add(branch, x)), weights)) as tf.Scalar;
    };
    const runs = [
      leanVariableGrads(loss(residualAdd), [x, w]),
      leanVariableGrads(loss(tf.add), [x, w]),
      tf.variableGrads(loss(residualAdd), [x, w]),
      tf.variableGrads(loss(tf.add), [x, w]),
    ];
    for (const run of runs.slice(1)) {
      expect(bits(run.value)).toEqual(bits(runs[0]!.value));
      for (const name of [x.name, w.name])
        expect(bits(run.grads[name]!), name).toEqual(bits(runs[0]!.grads[name]!));
    }
    tf.dispose([x, w, weights, ...runs.flatMap((r) => [r.value, ...Object.values(r.grads)])]);
  });

  it('keeps neither input for the backward pass (tfjs Add keeps both)', async () => {
    await useBackend(backend);
    const x = tf.variable(tf.ones([3, 4]), true, `ra-keep-${backend}`);
    const made: number[] = [];
    const grads = [residualAdd, tf.add].map((add) =>
      tf.grad((input: tf.Tensor) => {
        const before = tf.memory().numTensors;
        // Neg's gradient keeps nothing, so only the add can hold `branch` past the tidy.
        const y = tf.tidy(() => add(tf.neg(input), input));
        made.push(tf.memory().numTensors - before);
        return y;
      })(x),
    );
    // Ours: the sum alone. tfjs': the sum and a clone of each input (the engine saves clones,
    // which share the inputs' data, so `branch` stays in memory).
    expect(made).toEqual([1, 3]);
    expect(bits(grads[0]!)).toEqual(bits(grads[1]!));
    tf.dispose([x, ...grads]);
  });

  it('refuses tensors of two shapes, naming both, while recording a gradient', async () => {
    await useBackend(backend);
    const a = tf.ones([2, 3]);
    const b = tf.ones([3]);
    let error: unknown;
    tf.grad((t: tf.Tensor) => {
      try {
        return residualAdd(t, b);
      } catch (thrown) {
        error = thrown;
        return tf.sum(t);
      }
    })(a).dispose();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /residualAdd: the branch \[2,3\] float32 and the residual \[3\] float32 differ/,
    );
    tf.dispose([a, b]);
  });
});
