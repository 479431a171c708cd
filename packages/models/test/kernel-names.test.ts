// Kernel names are a contract between the models (and the trainer's AdamW) and the backends.
import {
  ADAMW_KERNEL_NAME,
  ADAMW_MULTI_KERNEL_NAME,
  NATIVE_KERNELS,
  nativeBackendInfo,
} from '@ner/tfjs-backend-native';
import { describe, expect, it } from 'vitest';
import { EMBEDDINGS_KERNEL, ENCODER_LAYER_KERNEL } from '../src/fused-kernels.js';
import * as kernels from '../src/internal.js';

describe('kernel names', () => {
  it("the AdamW name is the native backend's exported ADAMW_KERNEL_NAME", () => {
    expect(kernels.ADAMW_KERNEL).toBe(ADAMW_KERNEL_NAME);
    expect(kernels.ADAMW_KERNEL).toBe('NerAdamW');
    expect(kernels.ADAMW_MULTI_KERNEL).toBe(ADAMW_MULTI_KERNEL_NAME);
    expect(kernels.ADAMW_MULTI_KERNEL).toBe('NerAdamWMulti');
  });

  it("NerAdamWMulti's input names of tensor i, the same strings each call", () => {
    expect(kernels.adamwMultiInputNames(0)).toEqual(['param0', 'grad0', 'm0', 'v0']);
    expect(kernels.adamwMultiInputNames(198)).toEqual(['param198', 'grad198', 'm198', 'v198']);
    expect(kernels.adamwMultiInputNames(198)).toBe(kernels.adamwMultiInputNames(198));
  });

  it.skipIf(!nativeBackendInfo().available)(
    'the native backend registers every fused kernel under these names',
    () => {
      const names = [
        kernels.ADAMW_KERNEL,
        kernels.ADAMW_MULTI_KERNEL,
        kernels.LAYER_NORM_KERNEL,
        kernels.LAYER_NORM_GRAD_KERNEL,
        kernels.GELU_ERF_KERNEL,
        kernels.GELU_ERF_GRAD_KERNEL,
        ...kernels.INFERENCE_KERNELS,
        ENCODER_LAYER_KERNEL,
        EMBEDDINGS_KERNEL,
      ];
      expect(ENCODER_LAYER_KERNEL).toBe('NerEncoderLayer');
      expect(kernels.INFERENCE_KERNELS).toEqual([
        'NerQkvProjection',
        'NerSelfAttention',
        'NerLinearGelu',
        'NerLinearResidualLayerNorm',
      ]);
      expect(names.filter((name) => !NATIVE_KERNELS.includes(name))).toEqual([]);
    },
  );
});
