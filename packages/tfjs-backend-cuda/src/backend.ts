/**
 * `CudaBackend`: tensors live in device memory (blocks of the {@link CachingAllocator}); the
 * data map holds, per `dataId`, the block, byte size, dtype, shape and a reference count, as
 * tfjs' own backends do (`Reshape` shares a block by counting one more reference). float32 and
 * int32 are stored as they are; bool as int32 0/1 (converted at upload and download); strings
 * stay on the host. Kernels are in `kernels/`; a kernel without a device version runs on a
 * private cpu backend (`fallback.ts`).
 */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { type AllocatorStats, type Block, CachingAllocator } from './allocator.js';
import { Bf16Copies, type Bf16CopyStats } from './bf16-copies.js';
import type { CudaDevice, CudaDeviceInfo, DevicePtr, KernelArg } from './device.js';
import { CudaBackendError } from './errors.js';
import { getAllowTf32, setAllowTf32 as setAllowTf32Setting } from './settings.js';
import {
  type AutocastBackend,
  type Tf32Backend,
  type AutocastDtype,
  checkedAutocastDtype,
} from '../../../tools/kernel-contract/index.js';

/** Largest element count of one tensor (kernels index with int32). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Uploads of at most this many bytes keep their values on the host too, so that reading them
 * back does not wait for the device ({@link CudaTensorData.hostCopy}). Enough for a batch's
 * `input_ids`, `attention_mask` and labels up to 32 x 512, which the models check on the host
 * (ids in range, label classes) before every forward: without the copy each check waited for
 * everything queued before it, the previous optimizer step or the whole forward.
 */
export const HOST_COPY_MAX_BYTES = 64 * 1024;

/** One entry of the data map. */
export interface CudaTensorData {
  /** Device memory, or null for empty tensors and strings. */
  block: Block | null;
  /** Bytes of the device data (4 per element; 0 for strings). */
  bytes: number;
  dtype: tf.DataType;
  shape: number[];
  refCount: number;
  /** Strings only: the encoded values, kept on the host. */
  host?: Uint8Array[];
  /** Asynchronous reads in flight; the block outlives a disposal until they finish. */
  pendingReads?: number;
  releaseAfterReads?: boolean;
  /** Under bf16 autocast: the bfloat16 copy matmuls read (see {@link CudaBackend.bf16CopyOf}). */
  bf16?: Block | null;
  /**
   * A small upload's values in the device layout ({@link HOST_COPY_MAX_BYTES}): reads return a
   * copy of them instead of downloading. Dropped when a kernel writes the tensor in place
   * ({@link CudaBackend.wroteInPlace}); kernel outputs never have one.
   */
  hostCopy?: Float32Array | Int32Array;
}

/** `tf.memory()` on the cuda backend (tfjs adds numTensors and friends). */
export interface CudaMemoryInfo {
  unreliable: false;
  /** Bytes of device memory held by live tensors (rounded block sizes). */
  numBytesInGPU: number;
  /** Bytes the allocator holds from the device: in use plus cached. */
  numBytesInGPUAllocated: number;
  /** Bytes cached in the allocator's free lists. */
  numBytesInGPUFree: number;
  /** Same as numBytesInGPU (`torch.cuda.memory_allocated()`). */
  bytesInUse: number;
  /** Same as numBytesInGPUFree (`torch.cuda.memory_reserved() - memory_allocated()`). */
  bytesCached: number;
  /** `device.malloc` calls so far. */
  mallocs: number;
  /** Largest bytesInUse so far (`torch.cuda.max_memory_allocated()`). */
  peakBytesInUse: number;
}

let nextDataId = 0;

function elementCount(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

/** See the module comment. */
export class CudaBackend extends tf.KernelBackend implements AutocastBackend, Tf32Backend {
  readonly data: tf.DataStorage<CudaTensorData>;
  readonly allocator: CachingAllocator;
  private cpu: MathBackendCPU | null = null;
  /** Entries that hold a block, so `dispose` can return them all. */
  private readonly live = new Set<CudaTensorData>();
  /** The bf16 copies kept under autocast. */
  private readonly bf16Copies: Bf16Copies;
  /**
   * Tensors made by the kernel calls running now ({@link runKernelGuarded}), each call's from the
   * length it found; one array reused, so the guard allocates nothing per kernel.
   */
  private readonly kernelMade: tf.DataId[] = [];
  /** Guarded kernel calls running now (tensors are noted only inside one). */
  private guardDepth = 0;

  constructor(readonly device: CudaDevice) {
    super();
    this.data = new tf.DataStorage(this, tf.engine());
    this.allocator = new CachingAllocator(device);
    this.bf16Copies = new Bf16Copies(this.allocator);
    this.allocator.onPressure = () => this.bf16Copies.reclaim();
  }

  /** The device's description. */
  deviceInfo(): CudaDeviceInfo {
    return this.device.info();
  }

  private autocast: AutocastDtype | null = null;

  /**
   * Why this device cannot run TF32 products (below compute capability 8.0, before Ampere), or
   * null. Python's `is_torch_tf32_available()`.
   */
  tf32Unavailable(): string | null {
    const [major, minor] = this.device.info().computeCapability;
    return major >= 8
      ? null
      : `the GPU has compute capability ${major}.${minor}; TF32 needs 8.0 (Ampere) or newer`;
  }

  /** The package's `setAllowTf32` (one switch for every cuda backend, as torch's is global). */
  setAllowTf32(allow: boolean): void {
    setAllowTf32Setting(allow);
  }

  allowTf32(): boolean {
    return getAllowTf32();
  }

  /**
   * bf16 autocast for `MatMul` / `BatchMatMul` / `_FusedMatMul` (`'bf16'`), or off (`null`): both
   * operands cast to bfloat16 on the device (round to nearest even), cuBLASLt products
   * accumulated in fp32 and returned in float32, as `torch.autocast(dtype=torch.bfloat16)` runs
   * matmuls (torch would return bf16). Other ops stay fp32, and TF32 does not apply to these
   * products. `@ner/models`' `withAutocast` (and `TrainingArguments.bf16`) switch it.
   */
  setMatMulAutocast(dtype: AutocastDtype | null): void {
    const next = checkedAutocastDtype(dtype);
    if (this.autocast === 'bf16' && next !== 'bf16') this.bf16Copies.releaseAll();
    this.autocast = next;
  }

  /**
   * The device address of a bfloat16 copy (round to nearest even) of float32 `t`, a matmul
   * operand under bf16 autocast: cast on first use, then kept with the tensor and reused by every
   * product that reads it until autocast ends, the tensor is released, or a kernel writes it in
   * place ({@link wroteInPlace}), as torch's autocast keeps its weight casts. The copies take
   * device memory (half the tensor's bytes each) for that span; {@link bf16CopyStats} counts them.
   */
  bf16CopyOf(t: tf.TensorInfo): DevicePtr {
    const entry = this.entry(t.dataId);
    if (entry.bf16) {
      this.bf16Copies.pin(entry);
      return entry.bf16.ptr;
    }
    if (this.autocast !== 'bf16') {
      throw new CudaBackendError('cuda: a bf16 copy was asked for outside bf16 autocast');
    }
    const count = elementCount(t.shape);
    const block = this.allocator.allocate(count * 2);
    try {
      this.launch('ner_cast_f32_bf16', count, [{ ptr: this.ptrOf(t) }, { ptr: block.ptr }, { i32: count }]);
    } catch (error) {
      this.allocator.release(block);
      throw error;
    }
    this.bf16Copies.keep(entry, block);
    this.bf16Copies.pin(entry);
    return block.ptr;
  }

  /** The bf16 copies kept now and their bytes, and those given back when memory ran out. */
  bf16CopyStats(): Bf16CopyStats {
    return this.bf16Copies.stats();
  }

  /**
   * Kernels that write `t`'s data in place call this: a kept bf16 copy or host copy no longer
   * matches it.
   */
  wroteInPlace(t: tf.TensorInfo): void {
    const entry = this.data.get(t.dataId);
    if (!entry) return;
    this.bf16Copies.release(entry);
    entry.hostCopy = undefined;
  }

  /** What matmuls run in now: `'bf16'` under autocast, else `null` (fp32, or TF32 if allowed). */
  matMulAutocast(): AutocastDtype | null {
    return this.autocast;
  }

  // ---- storage ---------------------------------------------------------------------------

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId {
    const dataId = { id: nextDataId++ };
    this.data.set(dataId, this.store(values, shape, dtype, 1));
    this.noteMade(dataId);
    return dataId;
  }

  /**
   * Runs one kernel call so that, if it throws, the tensors it made before throwing are freed:
   * tfjs learns only of the outputs a kernel returns, so an intermediate, or a first output
   * whose second could not be allocated, would keep its device block for good. Matters when
   * memory runs out and the caller goes on in the same memory (autoFindBatchSize's retry).
   */
  runKernelGuarded<T>(run: () => T): T {
    const start = this.kernelMade.length;
    this.guardDepth += 1;
    try {
      return run();
    } catch (error) {
      for (let i = start; i < this.kernelMade.length; i++) this.disposeData(this.kernelMade[i]!, true);
      throw error;
    } finally {
      this.kernelMade.length = start;
      this.guardDepth -= 1;
      // The kernel no longer reads its operands' bf16 copies: memory pressure may take them.
      if (this.guardDepth === 0) this.bf16Copies.unpinAll();
    }
  }

  /** Notes a tensor made inside a guarded kernel call. */
  private noteMade(dataId: tf.DataId): void {
    if (this.guardDepth > 0) this.kernelMade.push(dataId);
  }

  override move(
    dataId: tf.DataId,
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    this.data.set(dataId, this.store(values, shape, dtype, refCount));
  }

  /** A new tensor with device memory for `shape` and nothing written yet (kernel outputs). */
  makeOutput(shape: readonly number[], dtype: tf.DataType): tf.TensorInfo {
    if (dtype === 'string' || dtype === 'complex64') {
      throw new CudaBackendError(`cuda: a ${dtype} tensor cannot be a device kernel's output`);
    }
    const size = this.checkedSize(shape, dtype);
    const dataId = { id: nextDataId++ };
    const bytes = size * 4;
    const entry: CudaTensorData = {
      block: bytes > 0 ? this.allocator.allocate(bytes) : null,
      bytes,
      dtype,
      shape: [...shape],
      refCount: 1,
    };
    if (entry.block) this.live.add(entry);
    this.data.set(dataId, entry);
    this.noteMade(dataId);
    return { dataId, shape: [...shape], dtype };
  }

  /** Several outputs at once; if one cannot be allocated, the ones before it are released. */
  makeOutputs(specs: readonly (readonly [readonly number[], tf.DataType])[]): tf.TensorInfo[] {
    const made: tf.TensorInfo[] = [];
    try {
      for (const [shape, dtype] of specs) made.push(this.makeOutput(shape, dtype));
    } catch (error) {
      for (const t of made) this.disposeData(t.dataId);
      throw error;
    }
    return made;
  }

  /** A tensor from host values (as tfjs' cpu backend's `makeTensorInfo`). */
  makeTensorInfo(
    shape: readonly number[],
    dtype: tf.DataType,
    values: tf.backend_util.BackendValues | string[],
  ): tf.TensorInfo {
    const encoded =
      dtype === 'string' && values.length > 0 && typeof (values as unknown[])[0] === 'string'
        ? (values as string[]).map((s) => tf.util.encodeString(s))
        : (values as tf.backend_util.BackendValues);
    return { dataId: this.write(encoded, [...shape], dtype), shape: [...shape], dtype };
  }

  /** A view of the same data with another shape (Reshape): one more reference, no copy. */
  share(x: tf.TensorInfo, shape: readonly number[]): tf.TensorInfo {
    this.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...shape], dtype: x.dtype };
  }

  /** The device address of a tensor's data (0n for empty tensors). */
  ptrOf(t: tf.TensorInfo): DevicePtr {
    const entry = this.entry(t.dataId);
    if (entry.dtype === 'string') throw new CudaBackendError('cuda: string tensors stay on the host');
    return entry.block?.ptr ?? 0n;
  }

  override refCount(dataId: tf.DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId)!.refCount : 0;
  }

  override incRef(dataId: tf.DataId): void {
    this.entry(dataId).refCount++;
  }

  decRef(dataId: tf.DataId): void {
    if (this.data.has(dataId)) this.data.get(dataId)!.refCount--;
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const entry = this.data.get(dataId)!;
    entry.refCount--;
    if (!force && entry.refCount > 0) return false;
    this.bf16Copies.release(entry);
    if (entry.pendingReads) entry.releaseAfterReads = true;
    else this.releaseBlock(entry);
    this.data.delete(dataId);
    return true;
  }

  private releaseBlock(entry: CudaTensorData): void {
    if (entry.block) this.allocator.release(entry.block);
    entry.block = null;
    this.live.delete(entry);
  }

  /** Frees a kernel's temporary (as tfjs backends name it). */
  disposeIntermediateTensorInfo(t: tf.TensorInfo): void {
    this.disposeData(t.dataId);
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const entry = this.entry(dataId);
    if (entry.dtype === 'string') return entry.host!;
    if (entry.hostCopy) return this.fromDevice(entry.hostCopy.slice(), entry.dtype);
    const raw = this.rawArray(entry);
    if (entry.block) this.device.download(raw, entry.block.ptr);
    return this.fromDevice(raw, entry.dtype);
  }

  override async read(dataId: tf.DataId): Promise<tf.backend_util.BackendValues> {
    const entry = this.entry(dataId);
    if (entry.dtype === 'string') return entry.host!;
    if (entry.hostCopy) return this.fromDevice(entry.hostCopy.slice(), entry.dtype);
    const raw = this.rawArray(entry);
    const block = entry.block;
    if (block) {
      // The tensor may be disposed while the copy is in flight: the block then goes back to the
      // allocator when the last read finishes, not before (tfjs already forgot the tensor).
      entry.pendingReads = (entry.pendingReads ?? 0) + 1;
      try {
        await this.device.downloadAsync(raw, block.ptr);
      } finally {
        entry.pendingReads -= 1;
        if (entry.pendingReads === 0 && entry.releaseAfterReads) this.releaseBlock(entry);
      }
    }
    return this.fromDevice(raw, entry.dtype);
  }

  // ---- kernels ---------------------------------------------------------------------------

  /** Launches an ABI kernel with a 1-D grid covering `work` threads (grid-stride kernels). */
  launch(kernel: string, work: number, args: readonly KernelArg[], block = 256): void {
    const grid = Math.max(1, Math.min(Math.ceil(work / block), 65535 * 16));
    this.device.launch(kernel, [grid, 1, 1], [block, 1, 1], 0, args);
  }

  /**
   * Launches a row kernel over `rows` rows: one block per row, or at most `maxBlocks` blocks that
   * stride over the rows (the kernels loop `r += gridDim.x`).
   */
  launchRows(
    kernel: string,
    rows: number,
    args: readonly KernelArg[],
    block = 256,
    maxBlocks = 2 ** 31 - 1,
  ): void {
    this.device.launch(kernel, [Math.max(1, Math.min(rows, maxBlocks)), 1, 1], [block, 1, 1], 0, args);
  }

  /** A block of float32 ones, grown on demand (the left operand of {@link columnSums}-style products). */
  private ones: Block | null = null;

  /**
   * The device address of at least `count` float32 ones, kept between calls. Growing releases the
   * old block at once: anything queued that still reads it runs before the block's next user, as
   * every launch is on the device's one stream.
   */
  onesVector(count: number): DevicePtr {
    if (!this.ones || this.ones.requested < count * 4) {
      if (this.ones) this.allocator.release(this.ones);
      this.ones = null;
      const block = this.allocator.allocate(Math.max(count, 1024) * 4);
      this.device.fill32(block.ptr, 0x3f800000, block.requested / 4);
      this.ones = block;
    }
    return this.ones.ptr;
  }

  /** The private cpu backend fallbacks run on. */
  cpuBackend(): MathBackendCPU {
    if (!this.cpu) {
      this.cpu = new MathBackendCPU();
      // Its "install tfjs-node" banner would be noise here.
      (this.cpu as unknown as { firstUse: boolean }).firstUse = false;
    }
    return this.cpu;
  }

  // ---- reports ---------------------------------------------------------------------------

  override memory(): CudaMemoryInfo {
    const stats: AllocatorStats = this.allocator.stats();
    return {
      unreliable: false,
      numBytesInGPU: stats.bytesInUse,
      numBytesInGPUAllocated: stats.bytesInUse + stats.bytesCached,
      numBytesInGPUFree: stats.bytesCached,
      bytesInUse: stats.bytesInUse,
      bytesCached: stats.bytesCached,
      mallocs: stats.mallocs,
      peakBytesInUse: stats.peakBytesInUse,
    };
  }

  /** Frees the allocator's cached blocks on the device (`torch.cuda.empty_cache()`). */
  emptyCache(): void {
    this.allocator.emptyCache();
  }

  /**
   * Starts `peakBytesInUse` over from the bytes in use now
   * (`torch.cuda.reset_peak_memory_stats()`), to measure the peak of one step or one phase.
   */
  resetPeakMemoryStats(): void {
    this.allocator.resetPeak();
  }

  /**
   * `tf.time`, and `kernelTimeMs` per kernel in `tf.profile`: the GPU milliseconds between a timing
   * event recorded before `f` queues its work and one recorded after (as `torch.cuda.Event`
   * timing), read once the caller's synchronous code has returned; nothing waits while `f`
   * queues. Time the GPU spends idle inside the span, waiting for the host to queue the next
   * launch, counts, as between torch's events. On a device without timers: the wall time of `f`
   * between two synchronizations.
   */
  override async time(f: () => void): Promise<tf.BackendTimingInfo> {
    const device = this.device;
    if (!device.startTimer || !device.stopTimer || !device.readTimer) {
      device.synchronize();
      const start = performance.now();
      f();
      device.synchronize();
      return { kernelMs: performance.now() - start };
    }
    const timer = device.startTimer();
    try {
      f();
    } catch (error) {
      // The timer is read and so freed; f's error is the one that matters.
      try {
        device.stopTimer(timer);
        device.readTimer(timer);
      } catch {}
      throw error;
    }
    device.stopTimer(timer);
    // tf.profile times every kernel of a step this way: the reads (each waits for its stop event)
    // come after the step has queued everything, so they never hold the GPU back.
    await Promise.resolve();
    return { kernelMs: device.readTimer(timer) };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return super.epsilon();
  }

  override dispose(): void {
    // DataStorage is a WeakMap (not iterable), so live blocks are tracked in `live`.
    for (const entry of this.live) {
      if (entry.block) this.allocator.release(entry.block);
      entry.block = null;
    }
    this.live.clear();
    this.bf16Copies.releaseAll();
    if (this.ones) this.allocator.release(this.ones);
    this.ones = null;
    this.allocator.emptyCache();
    this.cpu?.dispose();
    this.cpu = null;
  }

  // ---- helpers ---------------------------------------------------------------------------

  entry(dataId: tf.DataId): CudaTensorData {
    const entry = this.data.get(dataId);
    if (!entry) throw new CudaBackendError('cuda: tensor data not found (disposed, or of another backend)');
    return entry;
  }

  private checkedSize(shape: readonly number[], dtype: tf.DataType): number {
    const size = elementCount(shape);
    if (!Number.isSafeInteger(size) || size < 0 || size > MAX_ELEMENTS) {
      throw new CudaBackendError(
        `cuda: a ${dtype} tensor of shape [${shape}] has ${size} elements; at most ${MAX_ELEMENTS} are supported`,
      );
    }
    return size;
  }

  private store(
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): CudaTensorData {
    if (dtype === 'string') {
      return { block: null, bytes: 0, dtype, shape: [...shape], refCount, host: values as Uint8Array[] };
    }
    if (dtype === 'complex64') throw new CudaBackendError('cuda: complex64 tensors are not supported');
    const size = this.checkedSize(shape, dtype);
    const bytes = size * 4;
    const block = bytes > 0 ? this.allocator.allocate(bytes) : null;
    let hostCopy: Float32Array | Int32Array | undefined;
    if (block && values != null) {
      const source = values as tf.TypedArray;
      if (source.length !== size) {
        this.allocator.release(block);
        throw new CudaBackendError(
          `cuda: ${source.length} values for a ${dtype} tensor of shape [${shape}] (${size} elements)`,
        );
      }
      const words = this.toDevice(source, dtype);
      this.device.upload(block.ptr, words);
      // Our own array: the caller's may change after the call (tfjs does not copy it).
      if (bytes <= HOST_COPY_MAX_BYTES) hostCopy = words === source ? words.slice() : words;
    }
    const entry: CudaTensorData = { block, bytes, dtype, shape: [...shape], refCount };
    if (hostCopy) entry.hostCopy = hostCopy;
    if (block) this.live.add(entry);
    return entry;
  }

  /** Host values in the device layout: float32 or int32 words (bool as int32 0/1). */
  private toDevice(values: tf.TypedArray, dtype: tf.DataType): Float32Array | Int32Array {
    if (dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values);
    if (dtype === 'bool') return Int32Array.from(values, (v) => (v ? 1 : 0));
    return values instanceof Int32Array ? values : Int32Array.from(values);
  }

  private rawArray(entry: CudaTensorData): Float32Array | Int32Array {
    const size = entry.bytes / 4;
    return entry.dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
  }

  private fromDevice(raw: Float32Array | Int32Array, dtype: tf.DataType): tf.TypedArray {
    return dtype === 'bool' ? Uint8Array.from(raw) : raw;
  }
}
