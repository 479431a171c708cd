// When cuBLASLt has no algorithm for a product with a bias / relu epilogue (it depends on the
// library and the type combination, e.g. a float32 bias on bf16 operands), the product runs
// without it and the bias and relu follow as kernels: same values, the refusal recorded per
// precision, the other precisions still fused. The fake device refuses on request as cuBLASLt's
// heuristic would.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CudaBackend } from '../src/backend.js';
import type { GemmDesc } from '../src/device.js';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import { getRefusedGemmEpilogues, resetRefusedGemmEpilogues } from '../src/kernels/gemm-epilogues.js';
import { expectSameAsCpu } from './compare.js';
import { cudaBackend, launchesOf, onRealGpu, uniformTensor, useFakeCuda } from './fake-backend.js';

let refuse: (desc: GemmDesc) => boolean = () => false;
let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda({ refuseGemmEpilogue: (desc) => refuse(desc) });
});
afterEach(() => {
  refuse = () => false;
  (tf.findBackend('cuda') as CudaBackend).setMatMulAutocast(null);
  resetRefusedGemmEpilogues();
  resetFallbackCounts();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** A dense layer's product, bias and relu in one `_FusedMatMul`, as `@ner/models`' linear runs it. */
function dense(activation: 'linear' | 'relu'): tf.Tensor {
  const x = uniformTensor([2, 5, 7], 1);
  const w = uniformTensor([7, 3], 2);
  const b = uniformTensor([3], 3);
  return tf.fused.matMul({ a: tf.reshape(x, [10, 7]), b: w, bias: b, activation });
}

describe.skipIf(onRealGpu)('a refused gemm epilogue', () => {
  it('falls back to bias and relu kernels with the same values, once per precision', async () => {
    for (const activation of ['linear', 'relu'] as const) {
      refuse = (desc) => desc.bf16 === false;
      // The first cuda run is refused and retried; the second goes without the epilogue at once.
      await expectSameAsCpu(() => dense(activation));
      const launches = await launchesOf(device, () => dense(activation));
      expect(launches.ner_bias_add_f32).toBe(1);
      expect(launches.ner_unary_f32 ?? 0).toBe(activation === 'relu' ? 1 : 0);
      expect(getRefusedGemmEpilogues()).toEqual({
        fp32: expect.stringContaining('no algorithm for this product'),
      });
      resetRefusedGemmEpilogues();
    }
    expect(getFallbackCounts()).toEqual({});
  });

  it('is not asked again at that precision, and the others stay fused', async () => {
    let refusals = 0;
    refuse = (desc) => {
      if (!desc.bf16) return false;
      refusals += 1;
      return true;
    };
    await tf.setBackend('cuda');
    cudaBackend().setMatMulAutocast('bf16');
    const first = await launchesOf(device, () => dense('relu'));
    const second = await launchesOf(device, () => dense('relu'));
    expect(refusals).toBe(1);
    expect(first.gemm).toBe(1); // the refused attempt throws before it counts
    expect(second).toMatchObject({ gemm: 1, ner_bias_add_f32: 1, ner_unary_f32: 1 });
    expect(Object.keys(getRefusedGemmEpilogues())).toEqual(['bf16']);

    cudaBackend().setMatMulAutocast(null);
    const fp32 = await launchesOf(device, () => dense('relu'));
    expect(fp32.gemm).toBe(1);
    expect(fp32.ner_bias_add_f32).toBeUndefined();
    expect(fp32.ner_unary_f32).toBeUndefined();
  });

  it('passes other product errors on, and leaks no tensor', async () => {
    await tf.setBackend('cuda');
    const x = uniformTensor([4, 3], 1);
    const w = uniformTensor([3, 2], 2);
    const b = uniformTensor([2], 3);
    const gemm = device.gemm.bind(device);
    device.gemm = () => {
      throw new Error('cublasLtMatmul(m=4 n=2 k=3): CUBLAS_STATUS_EXECUTION_FAILED (13)');
    };
    const before = tf.memory().numTensors;
    try {
      expect(() => tf.fused.matMul({ a: x, b: w, bias: b })).toThrow(/EXECUTION_FAILED/);
    } finally {
      device.gemm = gemm;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(getRefusedGemmEpilogues()).toEqual({});
    tf.dispose([x, w, b]);
  });
});
