// @ner/models' `linear` on cuda hands a [batch, length, in] input to `_FusedMatMul` as it is:
// one product of batch * length rows (the batch folded into rows), no reshape around it, and the
// 2-D view's outputs and gradients bit for bit, in fp32 and under bf16 autocast.
import '@tensorflow/tfjs-backend-cpu';
import { registerGradients, withAutocast } from '@ner/models';
import { linear } from '@ner/models/internal';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { launchesOf, onRealGpu, uniformTensor, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  registerGradients();
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const [batch, length, inF, outF] = [3, 7, 24, 10];
const viaRows = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
  tf.reshape(linear(tf.reshape(x, [-1, inF]), w, b), [batch, length, outF]);

function run(
  f: (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  autocast: 'bf16' | null,
): number[][] {
  return tf.tidy(() => {
    const [x, w, b] = [
      uniformTensor([batch, length, inF], 1),
      uniformTensor([outF, inF], 2),
      uniformTensor([outF], 3),
    ];
    return withAutocast(autocast, () => {
      const grads = tf.grads((xv: tf.Tensor, wv: tf.Tensor, bv: tf.Tensor) =>
        tf.sum(tf.square(f(xv, wv, bv))),
      )([x, w, b]);
      return [f(x, w, b), ...grads].map((t) => Array.from(t.dataSync()));
    });
  });
}

describe('linear on a 3-D input, cuda', () => {
  for (const autocast of [null, 'bf16'] as const) {
    it(`gives the 2-D view's output and gradients bit for bit (${autocast ?? 'fp32'})`, async () => {
      await tf.setBackend('cuda');
      const got = run(linear, autocast);
      const want = run(viaRows, autocast);
      for (const [i, v] of got.entries()) expect(v, `output ${i}`).toEqual(want[i]);
    });
  }

  it.skipIf(onRealGpu)('is one product of all rows, with no reshape kernel', async () => {
    const [x, w, b] = [
      uniformTensor([batch, length, inF], 1),
      uniformTensor([outF, inF], 2),
      uniformTensor([outF], 3),
    ];
    const launches = await launchesOf(device, () => linear(x, w, b));
    expect(launches).toEqual({ gemm: 1 });
    const kernels = (await tf.profile(() => linear(x, w, b))).kernels.map((k) => k.name);
    expect(kernels).toEqual(['_FusedMatMul']);
    tf.dispose([x, w, b]);
  });
});
