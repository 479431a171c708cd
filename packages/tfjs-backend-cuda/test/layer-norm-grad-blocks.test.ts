// NerLayerNormGrad accumulates dgamma / dbeta per block in registers and adds them with atomics
// at the end, so it launches at most LAYER_NORM_GRAD_MAX_BLOCKS blocks that stride over the rows
// (a bert-base batch has 4,096): a quarter of the atomics of one block per row. The kernel's
// arithmetic with several rows per block is checked by scripts/gpu-kernel-check.mjs (grid 5 for
// 37 rows), on the CPU build of the kernels in test/native/emulated-kernels.test.ts.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Dim3 } from '../src/device.js';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { LAYER_NORM_GRAD_MAX_BLOCKS } from '../src/kernels/fused.js';
import { onRealGpu, uniformTensor, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** The grid of the ner_layer_norm_grad_f32 launch for a `rows x cols` NerLayerNormGrad. */
function gridFor(rows: number, cols: number): Dim3 {
  const grids: Dim3[] = [];
  const launch = device.launch.bind(device);
  const spy = vi.spyOn(device, 'launch').mockImplementation((kernel, grid, block, shared, args) => {
    if (kernel === 'ner_layer_norm_grad_f32') grids.push(grid);
    launch(kernel, grid, block, shared, args);
  });
  try {
    tf.tidy(() => {
      const x = uniformTensor([rows, cols], 1);
      const inputs = {
        dy: uniformTensor([rows, cols], 2),
        x,
        gamma: uniformTensor([cols], 3),
        mean: tf.mean(x, -1),
        rstd: tf.ones([rows]),
      };
      const outputs = tf.engine().runKernel('NerLayerNormGrad', inputs, {}) as tf.Tensor[];
      for (const out of outputs) out.dataSync();
    });
  } finally {
    spy.mockRestore();
  }
  expect(grids).toHaveLength(1);
  return grids[0]!;
}

it.skipIf(onRealGpu)('launches one block per row up to the cap, then the cap', () => {
  expect(LAYER_NORM_GRAD_MAX_BLOCKS).toBe(1024);
  expect(gridFor(37, 16)).toEqual([37, 1, 1]);
  expect(gridFor(1024, 4)).toEqual([1024, 1, 1]);
  expect(gridFor(4096, 4)).toEqual([1024, 1, 1]);
});
