// The attention scores of a training layer, `product / scale + mask` (BERT) or `product + mask`
// (DistilBERT), go through maskedScores (src/post-norm-stack.ts): a custom gradient that keeps
// only the 4-byte divisor, where tfjs' RealDiv and Add would keep both their inputs. Its value and
// its gradient are the ops' own bit for bit, on cpu and native.
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { registerGradients } from '../src/index.js';
import { leanVariableGrads } from '../src/lean-gradients.js';
import { maskedScores } from '../src/post-norm-stack.js';
import { type OracleBackend, restoreCpu, useBackend } from './backends.js';

afterAll(restoreCpu);

const backends: OracleBackend[] = nativeBackendInfo().available ? ['cpu', 'native'] : ['cpu'];

describe.each(backends)('maskedScores on %s', (backend) => {
  // sqrt(24), a divisor that is not a power of two (bert-base divides by 8).
  for (const scale of [Math.sqrt(24), null]) {
    it(`gives the ops' value and gradient bit for bit${scale === null ? ' without a scale' : ''}`, async () => {
      await useBackend(backend);
      registerGradients();
      const product = tf.variable(
        tf.randomUniform([2, 3, 5, 5], -4, 4, 'float32', 1),
        true,
        `ms-${backend}-${scale}`,
      );
      const mask = tf.mul(tf.sub(1, tf.tensor4d([1, 1, 1, 0, 0, 1, 1, 1, 1, 1], [2, 1, 1, 5])), -1e9);
      const weights = tf.randomUniform([2, 3, 5, 5], -1, 1, 'float32', 2);
      const loss = (scores: (p: tf.Tensor) => tf.Tensor) => () =>
        tf.sum(tf.mul(scores(product), weights)) as tf.Scalar;
      const viaOps = (p: tf.Tensor) => tf.add(scale === null ? p : tf.div(p, scale), mask);
      const ours = leanVariableGrads(
        loss((p) => maskedScores(p, mask, scale)),
        [product],
      );
      const theirs = leanVariableGrads(loss(viaOps), [product]);
      expect(Array.from(maskedScores(product, mask, scale).dataSync())).toEqual(
        Array.from(viaOps(product).dataSync()),
      );
      expect(Array.from(ours.grads[product.name]!.dataSync())).toEqual(
        Array.from(theirs.grads[product.name]!.dataSync()),
      );
      expect(Array.from(ours.value.dataSync())).toEqual(Array.from(theirs.value.dataSync()));
      tf.dispose([
        product,
        mask,
        weights,
        ours.value,
        theirs.value,
        ...Object.values(ours.grads),
        ...Object.values(theirs.grads),
      ]);
    });
  }
});
