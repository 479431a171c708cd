/**
 * @ner/tfjs-backend-native: a TensorFlow.js backend named `native` whose hot
 * kernels run in a multi-threaded N-API addon (GEMM on an AVX-512 kernel of its
 * own where the CPU has it, else OpenBLAS; fused LayerNorm and GELU). Importing
 * registers it when the addon is built; when it is not, importing still works
 * and `nativeBackendInfo().reason` says why.
 */
import { registerNativeBackend } from './native-backend.js';

export {
  NATIVE_BACKEND_NAME,
  NATIVE_BACKEND_PRIORITY,
  NATIVE_KERNELS,
  NativeBackend,
  type NativeBackendInfo,
  nativeBackendInfo,
  registerNativeBackend,
  setNativeThreads,
} from './native-backend.js';
export type { GemmKernelName } from './addon.js';
export {
  ADAMW_GRAD_MULTIPLIER_INPUT,
  ADAMW_KERNEL_NAME,
  ADAMW_MULTI_KERNEL_NAME,
  type AdamWKernelAttrs,
  AdamWMultiInputError,
  type AdamWMultiKernelAttrs,
  adamwStep,
} from './kernels/adamw.js';
export { ENCODER_LAYER_KERNEL, releaseEncoderLayerScratch } from './kernels/encoder-layer.js';
export { EMBEDDINGS_KERNEL, EmbeddingsInputError } from './kernels/embeddings.js';

registerNativeBackend();
