// Kernel names are a contract between the models (and the trainer's AdamW) and the backends.
import { ADAMW_KERNEL_NAME, NATIVE_KERNELS, nativeBackendInfo } from '@ner/tfjs-backend-native';
import { describe, expect, it } from 'vitest';
import {
  ADAMW_KERNEL,
  GELU_ERF_GRAD_KERNEL,
  GELU_ERF_KERNEL,
  INFERENCE_KERNELS,
  LAYER_NORM_GRAD_KERNEL,
  LAYER_NORM_KERNEL,
} from '../src/internal.js';

describe('kernel names', () => {
  it("the AdamW name is the native backend's exported ADAMW_KERNEL_NAME", () => {
    expect(ADAMW_KERNEL).toBe(ADAMW_KERNEL_NAME);
    expect(ADAMW_KERNEL).toBe('NerAdamW');
  });

  it.skipIf(!nativeBackendInfo().available)(
    'the native backend registers every fused kernel under these names',
    () => {
      const names = [
        ADAMW_KERNEL,
        LAYER_NORM_KERNEL,
        LAYER_NORM_GRAD_KERNEL,
        GELU_ERF_KERNEL,
        GELU_ERF_GRAD_KERNEL,
        ...INFERENCE_KERNELS,
      ];
      expect(INFERENCE_KERNELS).toEqual([
        'NerQkvProjection',
        'NerSelfAttention',
        'NerLinearGelu',
        'NerLinearResidualLayerNorm',
      ]);
      expect(names.filter((name) => !NATIVE_KERNELS.includes(name))).toEqual([]);
    },
  );
});
