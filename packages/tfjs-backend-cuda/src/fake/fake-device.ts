/**
 * A {@link CudaDevice} in host memory, so the whole backend (allocator, data map, kernels,
 * fallbacks) runs in tests on machines without a GPU. Memory is a {@link FakeHeap}; every
 * `KERNEL_ABI` entry has a JS version (`fake-kernels.ts`) and `gemm` is a float64-accumulating
 * loop (over bfloat16 operands too, for bf16 autocast). Launches are checked strictly against
 * the ABI (kernel name, argument count and kinds, geometry) and every memory access against the
 * live allocations, so a backend bug that would be a silent out-of-bounds write on a GPU is an
 * exception here. Its timers read a clock that runs only while it does work (copies, fills,
 * launches, products), the counterpart of a GPU's busy time.
 */
import type { CudaDevice, CudaDeviceInfo, DevicePtr, Dim3, GemmDesc, KernelArg } from '../device.js';
import { MAX_GPU_TIMERS, NER_DIMS_INTS } from '../device.js';
import { CudaAbiError, CudaMemoryAccessError } from '../errors.js';
import type { NcclProvider } from '../nccl/types.js';
import { type AbiParam, KERNEL_ABI } from '../kernel-abi.js';
import { FAKE_KERNELS } from './fake-kernels.js';
import { type FakeNcclLog, type FakeNcclOptions, fakeNcclProvider } from './fake-nccl.js';
import { FakeHeap } from './heap.js';

/** Options of {@link FakeCudaDevice}. */
export interface FakeCudaDeviceOptions {
  /** Bytes of "device memory" (default 256 MiB). `malloc` beyond it throws as `cuMemAlloc` would. */
  readonly capacityBytes?: number;
  /** `[major, minor]` the device reports (default `[9, 0]`, an H100); below 8.0 it has no TF32. */
  readonly computeCapability?: readonly [number, number];
  /** Called before every malloc; throw from it to simulate an out-of-memory (tests). */
  readonly onMalloc?: (bytes: number) => void;
  /** How the host-memory NCCL behaves (see {@link FakeNcclOptions}); default: works. */
  readonly nccl?: FakeNcclOptions;
  /**
   * Products with a bias or relu epilogue for which this returns true fail as cuBLASLt's
   * heuristic does when it has no algorithm (tests of the fallback without the epilogue).
   */
  readonly refuseGemmEpilogue?: (desc: GemmDesc) => boolean;
  /**
   * Runs each launch in place of the JS kernels, after the ABI checks, on the heap's memory
   * (pointers are byte offsets into `heap`): e.g. the package's CUDA sources compiled for the
   * host (its test/native/emu), so whole training runs check the real kernels' code. Accesses
   * are then bounded by the heap only, not by each allocation as the JS kernels check them.
   */
  readonly runKernel?: (
    kernel: string,
    heap: ArrayBuffer,
    args: readonly KernelArg[],
    grid: Dim3,
    block: Dim3,
  ) => void;
  /**
   * Runs each product in place of the float64 JS loop, after the descriptor's checks, on the heap's
   * memory (e.g. OpenBLAS through the host build of the CUDA sources, for runs as big as the main
   * job). The JS loop stays the reference for exactness.
   */
  readonly runGemm?: (desc: GemmDesc, heap: ArrayBuffer) => void;
}

/** What the fake device counted. */
export interface FakeDeviceCounters {
  /** Launches per kernel name (`gemm` counts products). */
  launches: Record<string, number>;
  mallocs: number;
  frees: number;
  bytesUploaded: number;
  bytesDownloaded: number;
  bytesCopied: number;
  syncs: number;
}

/** Counters at zero, a fresh `launches` record each call (the device and its reset share none). */
function zeroCounters(): FakeDeviceCounters {
  return {
    launches: {},
    mallocs: 0,
    frees: 0,
    bytesUploaded: 0,
    bytesDownloaded: 0,
    bytesCopied: 0,
    syncs: 0,
  };
}

function kindOf(arg: KernelArg): AbiParam | 'unknown' {
  const keys = Object.keys(arg);
  if (keys.length !== 1) return 'unknown';
  const key = keys[0] as string;
  const value = (arg as unknown as Record<string, unknown>)[key];
  switch (key) {
    case 'ptr':
      return typeof value === 'bigint' ? 'ptr' : 'unknown';
    case 'i32':
      return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31
        ? 'i32'
        : 'unknown';
    case 'u32':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) < 2 ** 32
        ? 'u32'
        : 'unknown';
    case 'f32':
      return typeof value === 'number' ? 'f32' : 'unknown';
    case 'dims':
      return value instanceof Int32Array && value.length === NER_DIMS_INTS ? 'dims' : 'unknown';
    default:
      return 'unknown';
  }
}

/** Checks a launch against `KERNEL_ABI`; throws {@link CudaAbiError} naming the first mismatch. */
export function checkLaunch(
  kernel: string,
  grid: readonly number[],
  block: readonly number[],
  args: readonly KernelArg[],
): void {
  const spec = KERNEL_ABI[kernel];
  if (!spec) throw new CudaAbiError(`launch of "${kernel}": no such kernel in KERNEL_ABI`);
  if (args.length !== spec.params.length) {
    throw new CudaAbiError(
      `launch of ${kernel}: ${args.length} arguments, the ABI lists ${spec.params.length} (${spec.params.join(', ')})`,
    );
  }
  args.forEach((arg, i) => {
    const kind = kindOf(arg);
    if (kind !== spec.params[i]) {
      throw new CudaAbiError(
        `launch of ${kernel}: argument ${i} is ${JSON.stringify(arg, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}, the ABI wants ${spec.params[i]}`,
      );
    }
  });
  const geometry = [...grid, ...block];
  if (geometry.length !== 6 || geometry.some((g) => !Number.isInteger(g) || g < 1)) {
    throw new CudaAbiError(
      `launch of ${kernel}: grid [${grid}] and block [${block}] must be positive integers`,
    );
  }
  if (block[0]! * block[1]! * block[2]! > 1024) {
    throw new CudaAbiError(`launch of ${kernel}: block [${block}] has more than 1024 threads`);
  }
}

/** bfloat16 bits to the float32 values they stand for (exact: the low 16 bits are zero). */
function bf16ToFloat32(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i]! << 16;
  return new Float32Array(words.buffer);
}

/** See the module comment. */
export class FakeCudaDevice implements CudaDevice {
  readonly heap: FakeHeap;
  readonly counters: FakeDeviceCounters = zeroCounters();
  /** What the fake NCCL was asked to do (calls, aborts, destroys). */
  readonly ncclLog: FakeNcclLog = { calls: [], aborted: null, destroyed: false };
  private closed = false;
  /** Milliseconds spent running work: the clock the timers read. */
  private busyMs = 0;
  private readonly timers = new Map<number, { start: number; stop: number | null }>();
  private nextTimer = 1;

  constructor(private readonly options: FakeCudaDeviceOptions = {}) {
    this.heap = new FakeHeap(options.capacityBytes ?? 256 * 1024 * 1024);
  }

  nccl(): NcclProvider {
    return fakeNcclProvider(this, this.options.nccl ?? {}, this.ncclLog);
  }

  info(): CudaDeviceInfo {
    return {
      name: 'Fake CUDA device (host memory)',
      ordinal: 0,
      ordinalFrom: 'default',
      computeCapability: this.options.computeCapability ?? [9, 0],
      totalMemoryBytes: this.heap.capacity,
      driverVersion: 13000,
      multiprocessors: 1,
      kernelSource: 'fake',
      libraries: {},
    };
  }

  malloc(bytes: number): DevicePtr {
    this.open();
    if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new RangeError(`malloc: bad size ${bytes}`);
    this.options.onMalloc?.(bytes);
    const ptr = this.heap.malloc(bytes);
    if (ptr === null) {
      throw new Error(
        `cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY (${bytes} bytes; ${this.heap.bytesAllocated} of ${this.heap.capacity} allocated)`,
      );
    }
    this.counters.mallocs += 1;
    return ptr;
  }

  free(ptr: DevicePtr): void {
    this.open();
    this.heap.freePtr(ptr);
    this.counters.frees += 1;
  }

  upload(dst: DevicePtr, src: ArrayBufferView): void {
    this.open();
    const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    this.heap.bytes(dst, bytes.length, 'upload').set(bytes);
    this.counters.bytesUploaded += bytes.length;
  }

  download(dst: ArrayBufferView, src: DevicePtr): void {
    this.open();
    this.counters.syncs += 1;
    const out = new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength);
    out.set(this.heap.bytes(src, out.length, 'download'));
    this.counters.bytesDownloaded += out.length;
  }

  async downloadAsync(dst: ArrayBufferView, src: DevicePtr): Promise<void> {
    // Resolves on a later tick, as a real asynchronous copy would.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.download(dst, src);
  }

  copy(dst: DevicePtr, src: DevicePtr, bytes: number): void {
    this.open();
    const t0 = performance.now();
    const from = this.heap.bytes(src, bytes, 'copy src');
    this.heap.bytes(dst, bytes, 'copy dst').set(from);
    this.counters.bytesCopied += bytes;
    this.busyMs += performance.now() - t0;
  }

  fill32(dst: DevicePtr, value: number, count: number): void {
    this.open();
    const t0 = performance.now();
    this.heap.i32(dst, count, 'fill32').fill(value | 0);
    this.busyMs += performance.now() - t0;
  }

  launch(kernel: string, grid: Dim3, block: Dim3, sharedBytes: number, args: readonly KernelArg[]): void {
    this.open();
    checkLaunch(kernel, grid, block, args);
    if (!Number.isInteger(sharedBytes) || sharedBytes < 0 || sharedBytes > 48 * 1024) {
      throw new CudaAbiError(
        `launch of ${kernel}: shared memory ${sharedBytes} bytes is outside [0, 48 KiB]`,
      );
    }
    const impl = FAKE_KERNELS[kernel as keyof typeof FAKE_KERNELS];
    if (!impl) throw new CudaAbiError(`launch of ${kernel}: the fake device has no implementation`);
    const t0 = performance.now();
    if (this.options.runKernel) this.options.runKernel(kernel, this.heap.buffer, args, grid, block);
    else impl(this.heap, args);
    this.busyMs += performance.now() - t0;
    this.counters.launches[kernel] = (this.counters.launches[kernel] ?? 0) + 1;
  }

  gemm(desc: GemmDesc): void {
    this.open();
    const { m, n, k, batch, lda, ldb, ldc, strideA, strideB, strideC, transA, transB } = desc;
    for (const [name, value] of Object.entries({
      m,
      n,
      k,
      batch,
      lda,
      ldb,
      ldc,
      strideA,
      strideB,
      strideC,
    })) {
      if (!Number.isSafeInteger(value) || value < 0) throw new CudaAbiError(`gemm: ${name} = ${value}`);
    }
    if (ldc < n || lda < (transA ? m : k) || ldb < (transB ? k : n)) {
      throw new CudaAbiError(
        `gemm: leading dimensions lda=${lda} ldb=${ldb} ldc=${ldc} too small for m=${m} n=${n} k=${k}`,
      );
    }
    if ((desc.bias !== undefined || desc.activation !== 'none') && this.options.refuseGemmEpilogue?.(desc)) {
      throw new Error(
        `cublasLtMatmulAlgoGetHeuristic(m=${m} n=${n} k=${k} batch=${batch}${desc.bf16 ? ' bf16' : ''}): no algorithm for this product`,
      );
    }
    this.counters.launches.gemm = (this.counters.launches.gemm ?? 0) + 1;
    if (m === 0 || n === 0 || batch === 0) return;
    const t0 = performance.now();
    if (this.options.runGemm) {
      this.options.runGemm(desc, this.heap.buffer);
      this.busyMs += performance.now() - t0;
      return;
    }
    const span = (rows: number, ld: number, cols: number, stride: number) =>
      (batch - 1) * stride + (rows - 1) * ld + cols;
    // bf16 operands (autocast): 16-bit words whose value is the float32 with those high bits,
    // expanded exactly here, so the sums below are of the bf16-rounded values.
    const operand = (ptr: DevicePtr, count: number, what: string) =>
      desc.bf16 ? bf16ToFloat32(this.heap.u16(ptr, count, what)) : this.heap.f32(ptr, count, what);
    const a = k === 0 ? null : operand(desc.a, span(transA ? k : m, lda, transA ? m : k, strideA), 'gemm A');
    const b = k === 0 ? null : operand(desc.b, span(transB ? n : k, ldb, transB ? k : n, strideB), 'gemm B');
    const c = this.heap.f32(desc.c, span(m, ldc, n, strideC), 'gemm C');
    const bias = desc.bias === undefined ? null : this.heap.f32(desc.bias, n, 'gemm bias');
    for (let p = 0; p < batch; p++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let q = 0; q < k; q++) {
            const av = a![p * strideA + (transA ? q * lda + i : i * lda + q)]!;
            const bv = b![p * strideB + (transB ? j * ldb + q : q * ldb + j)]!;
            sum += av * bv;
          }
          const at = p * strideC + i * ldc + j;
          let value = desc.alpha * sum + (desc.beta === 0 ? 0 : desc.beta * c[at]!);
          if (bias) value += bias[j]!;
          if (desc.activation === 'relu' && value < 0) value = 0;
          c[at] = value;
        }
      }
    }
    this.busyMs += performance.now() - t0;
  }

  synchronize(): void {
    this.open();
    this.counters.syncs += 1;
  }

  memGetInfo(): { freeBytes: number; totalBytes: number } {
    return { freeBytes: this.heap.capacity - this.heap.bytesAllocated, totalBytes: this.heap.capacity };
  }

  close(): void {
    this.closed = true;
  }

  startTimer(): number {
    this.open();
    if (this.timers.size >= MAX_GPU_TIMERS) {
      throw new CudaAbiError(
        `GPU timers: ${this.timers.size} started and not read (the limit); read them with readTimer`,
      );
    }
    const id = this.nextTimer++;
    this.timers.set(id, { start: this.busyMs, stop: null });
    return id;
  }

  stopTimer(id: number): void {
    this.open();
    const timer = this.timers.get(id);
    if (!timer) throw new CudaAbiError(`stopTimer: no timer ${id} was started`);
    if (timer.stop !== null) throw new CudaAbiError(`stopTimer: timer ${id} was already stopped`);
    timer.stop = this.busyMs;
  }

  /** Timers started and not yet read. */
  get timersInFlight(): number {
    return this.timers.size;
  }

  readTimer(id: number): number {
    this.open();
    const timer = this.timers.get(id);
    if (!timer) throw new CudaAbiError(`readTimer: no timer ${id} was started`);
    if (timer.stop === null) throw new CudaAbiError(`readTimer: timer ${id} was not stopped`);
    this.timers.delete(id);
    return timer.stop - timer.start;
  }

  /** Zeroes the counters (tests measure one step at a time). */
  resetCounters(): void {
    Object.assign(this.counters, zeroCounters());
  }

  private open(): void {
    if (this.closed) throw new CudaMemoryAccessError('the fake CUDA device was closed');
  }
}
