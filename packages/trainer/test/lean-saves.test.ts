// The Trainer's gradient (lossAndGradients, the `loss.backward()` of its training step) keeps the
// tensors the backward pass needs without tfjs' Identity clones, as model.computeGradients does
// (@ner/models' withLeanSaves): the same gradients bit for bit, fewer kernel calls, no leak.
import { tinyTokenBatch } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { lossAndGradients } from '../src/training-plan.js';
import { NO_DROPOUT, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

describe("the Trainer's gradient", () => {
  it("is tfjs' own bit for bit, without Identity clones and without leaks", async () => {
    const model = tinyModel(7, 3, NO_DROPOUT);
    const batch = tinyTokenBatch();
    const lossFn = () => model.computeLoss(batch, { training: true });
    const before = tf.memory().numTensors;

    let lean: { loss: number; grads: Map<string, tf.Tensor> } | undefined;
    const leanKernels = (
      await tf.profile(() => {
        lean = lossAndGradients(model, lossFn, 1);
      })
    ).kernels;
    const named = model.namedParameters();
    let plain: Record<string, tf.Tensor> = {};
    const plainKernels = (
      await tf.profile(() => {
        const { value, grads } = tf.variableGrads(
          lossFn,
          named.map(([, v]) => v),
        );
        value.dispose();
        plain = grads;
      })
    ).kernels;

    expect(lean!.grads.size).toBe(named.length);
    for (const [name, variable] of named) {
      expect(Array.from(lean!.grads.get(name)!.dataSync()), name).toEqual(
        Array.from(plain[variable.name]!.dataSync()),
      );
    }
    const identities = (kernels: { name: string }[]) => kernels.filter((k) => k.name === 'Identity').length;
    expect(identities(plainKernels)).toBeGreaterThan(20);
    expect(identities(leanKernels)).toBeLessThan(identities(plainKernels) / 10);
    tf.dispose([...lean!.grads.values(), ...Object.values(plain)]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
