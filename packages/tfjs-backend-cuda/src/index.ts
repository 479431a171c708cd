/**
 * @ner/tfjs-backend-cuda: a TensorFlow.js backend named `cuda` for NVIDIA GPUs, without
 * libtensorflow. Importing starts the probe: when the addon finds a driver and a device, the
 * `cuda` backend is registered (await {@link cudaReady}, then `tf.setBackend('cuda')`); when not,
 * nothing is registered and {@link cudaStatus} says why.
 */
import { loadCuda } from './status.js';

export {
  CachingAllocator,
  type AllocatorStats,
  type Block,
  ROUND_BYTES,
  SMALL_LIMIT_BYTES,
} from './allocator.js';
export type { Bf16CopyStats } from './bf16-copies.js';
export {
  CudaBackend,
  type CudaMemoryInfo,
  type CudaTensorData,
  HOST_COPY_MAX_BYTES,
  MAX_ELEMENTS,
} from './backend.js';
export * from './device.js';
export {
  CudaAbiError,
  CudaBackendError,
  CudaMemoryAccessError,
  CudaOutOfMemoryError,
  NcclError,
  NcclTimeoutError,
  NcclUnavailableError,
} from './errors.js';
export {
  FakeCudaDevice,
  type FakeCudaDeviceOptions,
  type FakeDeviceCounters,
  checkLaunch,
} from './fake/fake-device.js';
export { getFallbackCounts, resetFallbackCounts } from './fallback.js';
export type { FakeHeap } from './fake/heap.js';
export type { FakeNcclLog, FakeNcclOptions } from './fake/fake-nccl.js';
export {
  NCCL_DEFAULT_TIMEOUT_MS,
  NCCL_UNIQUE_ID_BYTES,
  NcclCommunicator,
  type NcclCommunicatorOptions,
  ncclGetUniqueId,
  ncclStatus,
} from './nccl/communicator.js';
export type { NcclNativeComm, NcclProvider, NcclReduceOp, NcclStatus } from './nccl/types.js';
export * from './kernel-abi.js';
export {
  ADAMW_GRAD_MULTIPLIER_INPUT,
  ADAMW_KERNEL_NAME,
  ADAMW_MULTI_KERNEL_NAME,
  type AdamWKernelAttrs,
  AdamWMultiInputError,
  type AdamWMultiKernelAttrs,
  DROPOUT_KERNEL_NAME,
  DropoutInputError,
  type DropoutKernelAttrs,
  SUM_SQUARES_MULTI_KERNEL_NAME,
  SumSquaresMultiInputError,
} from '../../../tools/kernel-contract/index.js';
export {
  CUDA_BACKEND_NAME,
  CUDA_BACKEND_PRIORITY,
  type RegisterCudaBackendOptions,
  createCudaBackend,
  cudaKernelNames,
  registerCudaBackend,
} from './register.js';
export {
  type GemmPrecision,
  getRefusedGemmEpilogues,
  resetRefusedGemmEpilogues,
} from './kernels/gemm-epilogues.js';
export { getAllowTf32, setAllowTf32 } from './settings.js';
export { type CudaStatus, cudaStatus, loadCuda } from './status.js';

/** Resolves when the probe is done (the backend is registered if a device was found). */
export const cudaReady = loadCuda();
