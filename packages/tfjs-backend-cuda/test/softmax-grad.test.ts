// Softmax's gradient on cuda: @ner/models' registered gradient calls NerSoftmaxGrad, one
// ner_softmax_grad_f32 launch where the composite takes four (Multiply, Sum, Sub, Multiply), with
// the composite's values bit for bit on this device and cpu's within 1e-5.
import '@tensorflow/tfjs-backend-cpu';
import { registerGradients } from '@ner/models';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOFTMAX_GRAD_KERNEL } from '../../../tools/kernel-contract/index.js';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { expectSameAsCpu } from './compare.js';
import { launchesOf, onRealGpu, uniformTensor, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  registerGradients();
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** d/dx sum(softmax(x) * w) for attention-shaped x [2, 3, 5, 16]. */
function softmaxGrad(): tf.Tensor {
  const x = uniformTensor([2, 3, 5, 16], 1);
  const w = uniformTensor([2, 3, 5, 16], 2);
  return tf.grad((xv: tf.Tensor) => tf.sum(tf.mul(tf.softmax(xv), w)))(x);
}

/** Runs `fn` with NerSoftmaxGrad unregistered from cuda (the composite gradient), registered again after. */
async function withoutKernel<T>(fn: () => T | Promise<T>): Promise<T> {
  const config = tf.getKernel(SOFTMAX_GRAD_KERNEL, 'cuda');
  expect(config, `cuda registers ${SOFTMAX_GRAD_KERNEL}`).toBeDefined();
  tf.unregisterKernel(SOFTMAX_GRAD_KERNEL, 'cuda');
  try {
    return await fn();
  } finally {
    tf.registerKernel(config!);
  }
}

describe('NerSoftmaxGrad', () => {
  it("gives cpu's gradient within 1e-5", async () => {
    await expectSameAsCpu(() => softmaxGrad());
  });

  it('is the composite gradient bit for bit, in one launch instead of four', async () => {
    await tf.setBackend('cuda');
    const fused = tf.tidy(() => Array.from(softmaxGrad().dataSync()));
    const composite = await withoutKernel(() => tf.tidy(() => Array.from(softmaxGrad().dataSync())));
    expect(fused).toEqual(composite);
    if (onRealGpu) return;
    const total = (launches: Record<string, number>) => Object.values(launches).reduce((a, b) => a + b, 0);
    const launches = await launchesOf(device, softmaxGrad);
    const compositeLaunches = await withoutKernel(() => launchesOf(device, softmaxGrad));
    expect(launches.ner_softmax_grad_f32).toBe(1);
    expect(compositeLaunches.ner_softmax_grad_f32).toBeUndefined();
    // The loss's own sum is a reduction on both sides; the composite adds the row sums.
    expect(compositeLaunches.ner_reduce_f32).toBe(launches.ner_reduce_f32! + 1);
    expect(total(compositeLaunches) - total(launches)).toBe(3);
  });

  it('refuses inputs of different shapes, naming both', async () => {
    await tf.setBackend('cuda');
    const dy = tf.ones([2, 3]);
    const y = tf.ones([3, 2]);
    expect(() => tf.engine().runKernel(SOFTMAX_GRAD_KERNEL, { dy, y })).toThrow(
      'NerSoftmaxGrad: dy and y must be float32 tensors of one shape of rank >= 1 (got float32 [2,3], float32 [3,2])',
    );
    tf.dispose([dy, y]);
  });
});
