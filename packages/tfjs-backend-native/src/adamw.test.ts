// The fused NerAdamW kernel against the op-by-op torch.optim.AdamW step that
// @ner/trainer runs (same float32 operation order), on the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { ADAMW_KERNEL_NAME, adamwStep } from './index.js';
import { describeWithAddon, randomArray, rng } from './test-helpers.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** @ner/trainer's AdamW.step body for one parameter, op by op. */
function opByOp(
  p: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  lr: number,
  wd: number,
  step: number,
) {
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  const stepSize = lr / biasCorrection1;
  return tf.tidy(() => {
    const decayed = wd !== 0 ? tf.mul(p, 1 - lr * wd) : p;
    const expAvg = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
    const expAvgSq = tf.add(tf.mul(v, beta2), tf.mul(tf.mul(g, 1 - beta2), g));
    const denom = tf.add(tf.div(tf.sqrt(expAvgSq), biasCorrection2Sqrt), eps);
    return [tf.add(decayed, tf.mul(tf.div(expAvg, denom), -stepSize)), expAvg, expAvgSq];
  });
}

/** Step attributes with no decay and no bias correction, for tests that only check dispatch or shapes. */
const plainStepAttrs = {
  decayFactor: 1,
  beta1: 0.9,
  beta2: 0.999,
  biasCorrection2Sqrt: 1,
  eps: 1e-8,
  stepSize: 1,
};

describeWithAddon('NerAdamW', () => {
  it('is registered for native only; adamwStep returns null elsewhere', async () => {
    expect(tf.getKernel(ADAMW_KERNEL_NAME, 'native')).toBeDefined();
    await tf.setBackend('cpu');
    const t = tf.ones([2]);
    expect(adamwStep(t, t, t, t, plainStepAttrs)).toBeNull();
    t.dispose();
  });

  it.each([
    [[7], 1e-3, 0.01],
    [[33, 65], 5e-5, 0.0],
    [[300, 200], 0.1, 0.5], // threaded
  ] as [number[], number, number][])(
    'matches the op-by-op step over 3 steps: shape %j lr %d wd %d',
    async (shape, lr, wd) => {
      const random = rng(11);
      const size = shape.reduce((p, q) => p * q, 1);
      const p0 = randomArray(random, size);
      const grads = [0, 1, 2].map(() => randomArray(random, size, -1, 1));
      const run = (fused: boolean) => {
        tf.setBackend(fused ? 'native' : 'cpu');
        let p = tf.tensor(p0, shape);
        let m = tf.zeros(shape);
        let v = tf.zeros(shape);
        for (let step = 1; step <= 3; step++) {
          const g = tf.tensor(grads[step - 1]!, shape);
          let next: tf.Tensor[];
          if (fused) {
            next = adamwStep(p, g, m, v, {
              decayFactor: 1 - lr * wd,
              beta1: 0.9,
              beta2: 0.999,
              biasCorrection2Sqrt: Math.sqrt(1 - 0.999 ** step),
              eps: 1e-8,
              stepSize: lr / (1 - 0.9 ** step),
            })!;
          } else {
            next = opByOp(p, g, m, v, lr, wd, step);
          }
          tf.dispose([p, m, v, g]);
          [p, m, v] = next as [tf.Tensor, tf.Tensor, tf.Tensor];
        }
        const out = [p, m, v].map((t) => t.dataSync().slice());
        tf.dispose([p, m, v]);
        return out;
      };
      const before = tf.memory().numTensors;
      const want = run(false);
      const got = run(true);
      expect(tf.memory().numTensors).toBe(before);
      for (let o = 0; o < 3; o++) {
        // Same float32 operations in the same order: equal up to an ulp per step (float32 eps 1.19e-7).
        let worst = 0;
        for (let i = 0; i < size; i++) {
          const diff = Math.abs(got[o]![i]! - want[o]![i]!);
          worst = Math.max(worst, diff === 0 ? 0 : diff / (3.6e-7 * Math.abs(want[o]![i]!) + 1e-12));
        }
        expect(worst, ['param', 'm', 'v'][o]).toBeLessThanOrEqual(1);
      }
    },
  );

  it('inPlace updates exclusively owned storage in place, and copies when storage is shared', async () => {
    await tf.setBackend('native');
    const random = rng(5);
    const size = 5000;
    const p0 = randomArray(random, size);
    const g0 = randomArray(random, size, -1, 1);
    const attrs = {
      decayFactor: 1 - 1e-3 * 0.01,
      beta1: 0.9,
      beta2: 0.999,
      biasCorrection2Sqrt: Math.sqrt(1 - 0.999),
      eps: 1e-8,
      stepSize: 1e-3 / (1 - 0.9),
    };
    const want = tf.tidy(() =>
      adamwStep(tf.tensor(p0), tf.tensor(g0), tf.zeros([size]), tf.zeros([size]), attrs)!.map((t) =>
        t.dataSync().slice(),
      ),
    );
    const p = tf.tensor(p0);
    const g = tf.tensor(g0);
    const m = tf.zeros([size]);
    const v = tf.zeros([size]);
    const run = () =>
      tf
        .engine()
        .runKernel(
          ADAMW_KERNEL_NAME,
          { param: p, grad: g, m, v },
          { ...attrs, inPlace: true },
        ) as tf.Tensor[];
    // A clone shares p's storage: the kernel must not write through it.
    const snapshot = tf.clone(p);
    const copied = run();
    expect(copied).toHaveLength(3);
    expect(Array.from(snapshot.dataSync())).toEqual(Array.from(p0));
    expect(Array.from(copied[0]!.dataSync())).toEqual(Array.from(want[0]!));
    tf.dispose([snapshot, ...copied]);
    // Now p, m and v own their storage: updated in place, no outputs.
    const before = tf.memory().numTensors;
    expect(run()).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(p.dataSync())).toEqual(Array.from(want[0]!));
    expect(Array.from(m.dataSync())).toEqual(Array.from(want[1]!));
    expect(Array.from(v.dataSync())).toEqual(Array.from(want[2]!));
    tf.dispose([p, g, m, v]);
  });

  it('rejects mismatched shapes naming the input', async () => {
    await tf.setBackend('native');
    const p = tf.ones([3]);
    const g = tf.ones([4]);
    expect(() => adamwStep(p, g, p, p, plainStepAttrs)).toThrow(
      'NerAdamW: input "grad" has shape [4], the parameter has [3]',
    );
    tf.dispose([p, g]);
  });
});
