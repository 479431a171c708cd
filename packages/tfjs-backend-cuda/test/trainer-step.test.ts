// @ner/trainer's optimizer path on cuda (fake device): its AdamW (the fused in-place NerAdamW),
// clipGradNorm and the Trainer's parameter groups, with no cpu fallback and flat memory; and the
// Trainer's clipping on the device, which reads nothing back.
import '@tensorflow/tfjs-backend-cpu';
import { BertConfig, BertForTokenClassification } from '@ner/models';
import { AdamW, clipCoefficient, clipGradNorm, gradNormTensor } from '@ner/trainer';
import { tinyBertSizes, tinyTokenBatch } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import { cudaBackend, onRealGpu, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

it('AdamW steps with gradient clipping: no fallback, flat tensors and device bytes, loss going down', () => {
  const model = new BertForTokenClassification(new BertConfig({ ...tinyBertSizes(1), numLabels: 3 }), {
    seed: 3,
  });
  const optimizer = new AdamW(model.namedParameters() as [string, tf.Variable][], {
    lr: 1e-2,
    weightDecay: 0.01,
  });
  const batch = tinyTokenBatch();
  resetFallbackCounts();
  const losses: number[] = [];
  const tensors: number[] = [];
  const bytes: number[] = [];
  for (let step = 0; step < 4; step++) {
    const { loss, grads } = model.computeGradients(batch, { training: true });
    const clipped = clipGradNorm(grads, 1.0);
    optimizer.step(clipped.grads);
    losses.push(loss.dataSync()[0]!);
    tf.dispose([loss, ...grads.values(), ...clipped.grads.values()]);
    tensors.push(tf.memory().numTensors);
    bytes.push(cudaBackend().memory().bytesInUse);
  }
  expect(getFallbackCounts()).toEqual({});
  expect(new Set(tensors.slice(1)).size, `tensors ${tensors}`).toBe(1);
  expect(new Set(bytes.slice(1)).size, `bytes ${bytes}`).toBe(1);
  expect(losses[3]).toBeLessThan(losses[0]!);
  model.dispose();
});

it("clipping on the device (the Trainer's): clipGradNorm's bits, nothing downloaded or waited for", () => {
  const bits = (t: tf.Tensor) => Array.from(new Uint32Array(t.dataSync().slice().buffer));
  /** Three clipped steps (maxNorm small enough to clip each one) of a fresh seeded model. */
  const train = (onDevice: boolean) => {
    const model = new BertForTokenClassification(new BertConfig({ ...tinyBertSizes(1), numLabels: 3 }), {
      seed: 4,
    });
    const params = model.namedParameters() as [string, tf.Variable][];
    const optimizer = new AdamW(params, { lr: 1e-2, weightDecay: 0.01 });
    const batch = tinyTokenBatch();
    const norms: number[] = [];
    const transfers: number[] = [];
    for (let step = 0; step < 3; step++) {
      const { loss, grads } = model.computeGradients(batch, { training: true });
      if (onDevice) {
        const before = device.counters.bytesDownloaded + device.counters.syncs;
        const norm = gradNormTensor(grads);
        const coefficient = clipCoefficient(norm, 0.05);
        optimizer.step(grads, { gradMultiplier: coefficient });
        transfers.push(device.counters.bytesDownloaded + device.counters.syncs - before);
        norms.push(norm.dataSync()[0]!);
        tf.dispose([norm, coefficient]);
      } else {
        const clipped = clipGradNorm(grads, 0.05);
        norms.push(clipped.totalNorm);
        optimizer.step(clipped.grads);
        tf.dispose([...clipped.grads.values()]);
      }
      tf.dispose([loss, ...grads.values()]);
    }
    const result = { params: params.map(([, v]) => bits(v)), norms, transfers };
    optimizer.dispose();
    model.dispose();
    return result;
  };
  resetFallbackCounts();
  const host = train(false);
  const onDevice = train(true);
  expect(getFallbackCounts()).toEqual({});
  // Clipped every step: the norms are above 0.05.
  for (const norm of host.norms) expect(norm).toBeGreaterThan(0.05);
  expect(onDevice.norms).toEqual(host.norms);
  expect(onDevice.params).toEqual(host.params);
  if (!onRealGpu) expect(onDevice.transfers).toEqual([0, 0, 0]);
});
