/**
 * The contract between the TypeScript backend and whatever runs its work: the N-API addon
 * (`src/addon/`, a real GPU through the CUDA driver API, cuBLASLt and NVRTC loaded at run time)
 * or the fake device (`src/fake/`, host memory and JS versions of every kernel, for tests on
 * machines without a GPU). Everything above this interface (allocator, data map, kernels,
 * fallbacks) is the same code for both.
 *
 * Pointers are device addresses as `bigint`. All work goes on one stream; `download` and
 * `synchronize` wait for it, everything else is stream-ordered.
 */
import type { NcclProvider } from './nccl/types.js';

/** A device address (`CUdeviceptr`). */
export type DevicePtr = bigint;

/**
 * One kernel argument, passed by value as `cuLaunchKernel` wants it. `dims` is the one struct
 * type kernels take ({@link NER_DIMS_BYTES} bytes, see `kernel-abi.ts`).
 */
export type KernelArg =
  | { readonly ptr: DevicePtr }
  | { readonly i32: number }
  | { readonly u32: number }
  | { readonly f32: number }
  | { readonly dims: Int32Array };

/** A launch's grid or block size, x y z (`cuLaunchKernel` takes three of each). */
export type Dim3 = readonly [number, number, number];

/** `struct NerDims { int rank; int a[6]; int b[6]; int c[6]; int d[6]; }`: 25 int32, 100 bytes. */
export const NER_DIMS_INTS = 25;
export const NER_DIMS_BYTES = NER_DIMS_INTS * 4;
/** The highest rank a `NerDims` describes; kernels of higher rank fall back. */
export const NER_MAX_RANK = 6;

/** What the device is. */
/** What chose the device: `NER_CUDA_DEVICE`, the process's `LOCAL_RANK`, or neither (device 0). */
export const ORDINAL_SOURCES = ['NER_CUDA_DEVICE', 'LOCAL_RANK', 'default'] as const;

export interface CudaDeviceInfo {
  readonly name: string;
  /** The device number opened (`cuDeviceGet`'s ordinal among the visible devices). */
  readonly ordinal: number;
  /** What chose it (see {@link ORDINAL_SOURCES}). */
  readonly ordinalFrom: (typeof ORDINAL_SOURCES)[number];
  /** `[major, minor]`, e.g. `[9, 0]` for H100. */
  readonly computeCapability: readonly [number, number];
  readonly totalMemoryBytes: number;
  /** `cuDriverGetVersion`, e.g. 13000. */
  readonly driverVersion: number;
  readonly multiprocessors: number;
  /** Where the kernels came from: the nvcc-built fatbin, NVRTC at first use, or the fake device. */
  readonly kernelSource: 'fatbin' | 'nvrtc' | 'fake';
  /** The shared libraries that were loaded (paths), for the probe's report. */
  readonly libraries: Readonly<Record<string, string>>;
}

/**
 * A row-major product `C[b] = alpha * op(A[b]) @ op(B[b]) + beta * C[b]` (+ epilogue), `C` is
 * `m x n`, `op(A)` `m x k`, `op(B)` `k x n`; leading dimensions are row-major (elements between
 * rows). On cuBLASLt this is the column-major product `C^T = op(B)^T op(A)^T`.
 */
export interface GemmDesc {
  readonly a: DevicePtr;
  readonly b: DevicePtr;
  readonly c: DevicePtr;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly lda: number;
  readonly ldb: number;
  readonly ldc: number;
  /** Batches; strides in elements, 0 broadcasts one matrix over the batch. */
  readonly batch: number;
  readonly strideA: number;
  readonly strideB: number;
  readonly strideC: number;
  readonly alpha: number;
  readonly beta: number;
  /** A length-`n` vector added to every row of C (cuBLASLt's BIAS epilogue). */
  readonly bias?: DevicePtr;
  /**
   * Applied after the bias. cuBLASLt's GELU epilogue is the tanh approximation, not BERT's erf
   * GELU, so only relu is offered; erf GELU runs as `ner_gelu_erf_f32` after the product.
   */
  readonly activation?: 'none' | 'relu';
  /** TF32 tensor cores (`CUBLAS_COMPUTE_32F_FAST_TF32`), only when the user opted in. */
  readonly tf32: boolean;
  /**
   * `a` and `b` hold bfloat16 (2 bytes per element; strides and leading dimensions still count
   * elements) and the product accumulates in fp32 (`CUBLAS_COMPUTE_32F`, `tf32` ignored): bf16
   * autocast. `c` and `bias` stay float32. Absent: false.
   */
  readonly bf16?: boolean;
}

/**
 * The leading dimensions of a {@link GemmDesc} whose matrices are dense (rows not padded):
 * `op(A)` is `m x k`, stored `k x m` when `transA`; `op(B)` is `k x n`, stored `n x k` when `transB`.
 */
export function denseLeadingDims(
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): { readonly lda: number; readonly ldb: number; readonly ldc: number } {
  return { lda: transA ? m : k, ldb: transB ? k : n, ldc: n };
}

/** The device: memory, copies, kernel launches and products, all on one stream. */
export interface CudaDevice {
  info(): CudaDeviceInfo;
  /** `cuMemAlloc`: raw device memory (the caching allocator is in TypeScript above this). Throws on out-of-memory. */
  malloc(bytes: number): DevicePtr;
  /** `cuMemFree` (synchronizes with the stream first). */
  free(ptr: DevicePtr): void;
  /** Host to device, `src.byteLength` bytes; returns when `src` may be reused. */
  upload(dst: DevicePtr, src: ArrayBufferView): void;
  /** Device to host into `dst` (`dst.byteLength` bytes); waits for the stream. */
  download(dst: ArrayBufferView, src: DevicePtr): void;
  /** As `download`, resolving when the copy is done without blocking the event loop meanwhile. */
  downloadAsync(dst: ArrayBufferView, src: DevicePtr): Promise<void>;
  /** Device to device, `bytes` bytes, stream-ordered. */
  copy(dst: DevicePtr, src: DevicePtr, bytes: number): void;
  /** Fills `count` 32-bit words with the bit pattern `value` (`cuMemsetD32Async`). */
  fill32(dst: DevicePtr, value: number, count: number): void;
  /** Launches a kernel named in `KERNEL_ABI` with arguments of the kinds it lists. */
  launch(kernel: string, grid: Dim3, block: Dim3, sharedBytes: number, args: readonly KernelArg[]): void;
  /** One cuBLASLt product (see {@link GemmDesc}). */
  gemm(desc: GemmDesc): void;
  /** Waits for everything queued; throws the first asynchronous error with the kernel's name when known. */
  synchronize(): void;
  /** `cuMemGetInfo`. */
  memGetInfo(): { readonly freeBytes: number; readonly totalBytes: number };
  /** Frees the context's resources (process exit does it too). */
  close(): void;
  /** NCCL on this device's stream (libnccl for the addon, a host stand-in for the fake); absent: none. */
  nccl?(): NcclProvider;
  /**
   * GPU timers, as `torch.cuda.Event(enable_timing=True)` pairs: `startTimer` marks the stream
   * (a timing event) and returns an id, `stopTimer` marks it again after the work queued since,
   * and `readTimer` waits for that mark and returns the milliseconds between the two, then frees
   * the timer. At most {@link MAX_GPU_TIMERS} may be started and not yet read. Absent on a device
   * that cannot time (a driver without `cuEventElapsedTime`).
   */
  startTimer?(): number;
  stopTimer?(id: number): void;
  readTimer?(id: number): number;
}

/** Timers a device keeps started and not yet read before `startTimer` refuses another. */
export const MAX_GPU_TIMERS = 2 ** 20;

/** What loading the addon gives: a device, or why there is none (no driver, no GPU, not built). */
export type CudaProbe =
  | { readonly available: true; readonly device: CudaDevice }
  | {
      readonly available: false;
      readonly reason: string;
      /**
       * True when no `libcuda.so.1` was found: the machine has no NVIDIA driver, so there is
       * nothing to tell a user who did not ask for cuda (`initBackend` skips it quietly).
       */
      readonly noDriver?: boolean;
    };
