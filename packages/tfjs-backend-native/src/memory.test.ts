// Native kernels leak nothing: a forward pass and its hand-written backward (matmuls with
// transposes, bias add and its column sum, layer-norm reductions, erf GELU, softmax,
// gather and its scatter gradient, a fused matmul whose bias/activation intermediates
// the kernel disposes itself) keep both tf.memory().numTensors and the backend's own
// data count (which also sees kernel intermediates) flat from one step to the next.
// Whole-model training steps are checked by @ner/models' native-backend test.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import './index.js';
import { describeWithAddon, randomArray, rng } from './test-helpers.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describeWithAddon('tensor count', () => {
  it('is flat across steps on native', async () => {
    await tf.setBackend('native');
    const random = rng(3);
    const table = tf.variable(tf.tensor(randomArray(random, 50 * 16), [50, 16]));
    const w = tf.variable(tf.tensor(randomArray(random, 16 * 8, -0.3, 0.3), [16, 8]));
    const b = tf.variable(tf.zeros([8]));
    const ids = tf.tensor1d([1, 4, 4, 9, 0, 33], 'int32');
    const labels = tf.oneHot(tf.tensor1d([0, 3, 1, 7, 2, 2], 'int32'), 8);
    const step = () =>
      tf.tidy(() => {
        const x = tf.gather(table, ids);
        const centered = tf.sub(x, tf.mean(x, -1, true));
        const normed = tf.mul(centered, tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), 1e-5)));
        const h = tf.add(tf.matMul(normed, w), b);
        const gelu = tf.mul(tf.mul(h, 0.5), tf.add(tf.erf(tf.mul(h, Math.SQRT1_2)), 1));
        const probs = tf.softmax(gelu);
        const loss = tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.log(tf.add(probs, 1e-9))), -1)));
        // Backward by hand (approximate: GELU' taken as 1), the kernels a real backward uses.
        const dh = tf.div(tf.sub(probs, labels), 6);
        const dw = tf.matMul(normed, dh, true, false);
        const db = tf.sum(dh, 0);
        const dx = tf.matMul(dh, w, false, true);
        const dTable = tf.scatterND(tf.reshape(ids, [-1, 1]), dx, table.shape);
        const fused = tf.fused.matMul({
          a: normed as tf.Tensor2D,
          b: w as tf.Tensor2D,
          bias: b,
          activation: 'relu',
        });
        w.assign(tf.sub(w, tf.mul(dw, 0.1)));
        b.assign(tf.sub(b, tf.mul(db, 0.1)));
        table.assign(tf.sub(table, tf.mul(dTable, 0.1)));
        return [loss.dataSync()[0]!, tf.sum(fused).dataSync()[0]!];
      });
    const [first] = step();
    const tensors = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    step();
    const [third] = step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(dataIds);
    expect(Number.isFinite(first) && Number.isFinite(third)).toBe(true);
    tf.dispose([table, w, b, ids, labels]);
  });
});
