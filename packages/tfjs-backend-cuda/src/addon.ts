/**
 * Loads the N-API addon (`build/Release/ner_cuda.node`) and opens the GPU through it, never
 * throwing: {@link probeCuda} returns a {@link CudaDevice} or the reason there is none (addon not
 * built, no NVIDIA driver, `cuInit` failed, no device, cuBLASLt missing, kernels that could not
 * be loaded). The addon opens libcuda, cuBLASLt and NVRTC with dlopen at run time; see the
 * README's "Native addon and drivers" section for the search order and the driver versions.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingAddonReason, readBuildRecord } from '../../../tools/native-build/build-record.js';
import { loadOptionalAddon } from '../../../tools/native-build/load-addon.js';
import type {
  CudaDevice,
  CudaDeviceInfo,
  CudaProbe,
  DevicePtr,
  Dim3,
  GemmDesc,
  KernelArg,
} from './device.js';
import { NER_DIMS_INTS, ORDINAL_SOURCES } from './device.js';
import { CudaAbiError } from './errors.js';
import { type AbiParam, KERNEL_ABI } from './kernel-abi.js';
import type { NcclNativeComm, NcclProvider, NcclStatus } from './nccl/types.js';

/** The compiled addon, beside `src/` and `dist/`. */
export const ADDON_PATH = fileURLToPath(new URL('../build/Release/ner_cuda.node', import.meta.url));

/** What scripts/build-addon.mjs recorded about its last run (no file: it never ran). */
const BUILD_RECORD_PATH = fileURLToPath(new URL('../build/ner-build.json', import.meta.url));

/** The nvcc-built kernels (cubin for sm_80/86/89/90, compute_90 PTX), when nvcc was found at build time. */
export const FATBIN_PATH = fileURLToPath(new URL('../build/ner_kernels.fatbin', import.meta.url));
/** The kernel sources, shipped in the package for NVRTC. */
export const CU_DIR = fileURLToPath(new URL('../src/cu/', import.meta.url));

/** The device object `openDevice` returns (see src/addon/binding.cc). @internal */
export interface NativeDevice {
  malloc(bytes: number): bigint;
  free(ptr: bigint): void;
  upload(dst: bigint, src: ArrayBufferView): void;
  download(dst: ArrayBufferView, src: bigint): void;
  downloadAsync(dst: ArrayBufferView, src: bigint): Promise<void>;
  copy(dst: bigint, src: bigint, bytes: number): void;
  fill32(dst: bigint, value: number, count: number): void;
  launch(kernel: number, geometry: Uint32Array, args: Uint8Array): void;
  gemm(pointers: BigUint64Array, numbers: Float64Array): void;
  synchronize(): void;
  memGetInfo(): [number, number];
  info(): {
    name: string;
    ordinal: number;
    ordinalFrom: string;
    major: number;
    minor: number;
    totalMemoryBytes: number;
    driverVersion: number;
    multiprocessors: number;
    kernelSource: string;
    libraries: Record<string, string>;
  };
  close(): void;
  /** Starts an NCCL communicator on this device (nccl_binding.cc); rejects on failure or timeout. */
  ncclInit(uniqueId: Uint8Array, worldSize: number, rank: number, timeoutMs: number): Promise<NcclNativeComm>;
  /** GPU timers (device_events.cc): timing events recorded on the stream. */
  startTimer(): number;
  stopTimer(id: number): void;
  readTimer(id: number): number;
}

/** The kernel sources as the addon wants them (NVRTC compiles them as one program). */
export interface KernelSourceSet {
  /** `#include "x.cu"` for every .cu file, sorted: the same text scripts/kernel-sources.mjs writes for nvcc. */
  readonly unitySource: string;
  readonly fileNames: string[];
  readonly fileContents: string[];
  /** sha256 over every file's name and text: the source part of the NVRTC cache key. */
  readonly sourceHash: string;
}

/** What `openDevice` returns when there is no usable device. @internal */
export interface AddonUnavailable {
  /** Why, in one line. */
  reason: string;
  /** True when no `libcuda.so.1` was found at all (a machine without a GPU stack). */
  noDriver: boolean;
}

/** What the addon exports. */
export interface CudaAddon {
  openDevice(options: {
    /** The device (NER_CUDA_DEVICE), or -1 to choose: `localRank` where given, else 0. */
    ordinal: number;
    /** A launched process's LOCAL_RANK, or -1 / absent. */
    localRank?: number;
    fatbinPath: string;
    forceNvrtc: boolean;
    cacheDir: string;
    sourceHash: string;
    unitySource: string;
    fileNames: string[];
    fileContents: string[];
    kernelNames: string[];
    kernelParams: (readonly AbiParam[])[];
  }): NativeDevice | AddonUnavailable;
  /** Compiles the kernels for sm_`arch` with NVRTC (no GPU needed); throws when NVRTC is missing or fails. */
  nvrtcCompile(options: {
    arch: number;
    cacheDir: string;
    sourceHash: string;
    unitySource: string;
    fileNames: string[];
    fileContents: string[];
  }): { library: string; cubinBytes: number };
  /** Opens libnccl.so.2 (once) and says whether it is usable. */
  ncclStatus(): NcclStatus;
  /** `ncclGetUniqueId`: 128 bytes; throws `unavailable: ...` without libnccl. */
  ncclGetUniqueId(): Uint8Array;
}

/** The addon, or why it cannot be loaded (one line). Never throws. */
export function loadCudaAddon(): { addon: CudaAddon | null; error: string | null } {
  return loadOptionalAddon<CudaAddon>(ADDON_PATH, 'the CUDA addon', () => missingCudaAddonReason());
}

/**
 * Why the addon file is missing, from the record scripts/build-addon.mjs left at `recordPath`: the
 * build needs g++, make and python3 (not CUDA), and pnpm 10 runs the script only when allowed.
 * @internal
 */
export function missingCudaAddonReason(recordPath: string = BUILD_RECORD_PATH): string {
  return missingAddonReason(readBuildRecord(recordPath), {
    what: 'the CUDA addon',
    packageName: '@ner/tfjs-backend-cuda',
    verboseVar: 'NER_CUDA_VERBOSE',
  });
}

/** Reads src/cu: every .cu and .cuh file, and the unity source that includes the .cu files. */
export function readKernelSources(cuDir: string = CU_DIR): KernelSourceSet {
  const fileNames = readdirSync(cuDir)
    .filter((f) => f.endsWith('.cu') || f.endsWith('.cuh'))
    .sort();
  const fileContents = fileNames.map((f) => readFileSync(join(cuDir, f), 'utf8'));
  const hash = createHash('sha256');
  fileNames.forEach((name, i) => {
    hash.update(name);
    hash.update('\0');
    hash.update(fileContents[i] as string);
    hash.update('\0');
  });
  const unitySource = `${fileNames
    .filter((f) => f.endsWith('.cu'))
    .map((f) => `#include "${f}"`)
    .join('\n')}\n`;
  return { unitySource, fileNames, fileContents, sourceHash: hash.digest('hex') };
}

/** Where NVRTC's cubins are cached: `$NER_CUDA_CACHE_DIR`, else `$XDG_CACHE_HOME/ner/cuda` or `~/.cache/ner/cuda`. */
export function cudaCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NER_CUDA_CACHE_DIR) return env.NER_CUDA_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'ner', 'cuda');
}

const KERNEL_NAMES = Object.keys(KERNEL_ABI);
const KERNEL_IDS = new Map(KERNEL_NAMES.map((name, i) => [name, i]));
/** Bytes of each kind's slot in the packed argument buffer (binding.cc reads the same layout). */
const SLOT_BYTES: Readonly<Record<AbiParam, number>> = { ptr: 8, i32: 8, u32: 8, f32: 8, dims: 104 };
const MAX_U32 = 0xffffffff;

function kindOf(arg: KernelArg): AbiParam | 'unknown' {
  if ('ptr' in arg) return 'ptr';
  if ('i32' in arg) return 'i32';
  if ('u32' in arg) return 'u32';
  if ('f32' in arg) return 'f32';
  if ('dims' in arg) return 'dims';
  return 'unknown';
}

/** {@link CudaDevice} over the addon: validates and packs arguments, converts pointers and info. */
class AddonCudaDevice implements CudaDevice {
  private readonly geometry = new Uint32Array(7);
  private readonly argBytes = new Uint8Array(16 * 104);
  private readonly argView = new DataView(this.argBytes.buffer);
  private readonly gemmPointers = new BigUint64Array(4);
  private readonly gemmNumbers = new Float64Array(17);
  private cachedInfo: CudaDeviceInfo | null = null;

  constructor(
    private readonly native: NativeDevice,
    private readonly addon: CudaAddon | null,
  ) {}

  nccl(): NcclProvider {
    const addon = this.addon;
    const none = 'unavailable: the device was not opened through the CUDA addon';
    return {
      status: () => (addon ? addon.ncclStatus() : { available: false, reason: none }),
      getUniqueId: () => {
        if (!addon) throw new Error(none);
        return addon.ncclGetUniqueId();
      },
      init: (uniqueId, worldSize, rank, timeoutMs) =>
        this.native.ncclInit(uniqueId, worldSize, rank, timeoutMs),
    };
  }

  info(): CudaDeviceInfo {
    if (!this.cachedInfo) {
      const i = this.native.info();
      this.cachedInfo = {
        name: i.name,
        ordinal: i.ordinal,
        ordinalFrom: ORDINAL_SOURCES.find((from) => from === i.ordinalFrom) ?? 'default',
        computeCapability: [i.major, i.minor],
        totalMemoryBytes: i.totalMemoryBytes,
        driverVersion: i.driverVersion,
        multiprocessors: i.multiprocessors,
        kernelSource: i.kernelSource === 'nvrtc' ? 'nvrtc' : 'fatbin',
        libraries: { ...i.libraries },
      };
    }
    return this.cachedInfo;
  }

  malloc(bytes: number): DevicePtr {
    return this.native.malloc(bytes);
  }

  free(ptr: DevicePtr): void {
    this.native.free(ptr);
  }

  upload(dst: DevicePtr, src: ArrayBufferView): void {
    this.native.upload(dst, src);
  }

  download(dst: ArrayBufferView, src: DevicePtr): void {
    this.native.download(dst, src);
  }

  downloadAsync(dst: ArrayBufferView, src: DevicePtr): Promise<void> {
    return this.native.downloadAsync(dst, src);
  }

  copy(dst: DevicePtr, src: DevicePtr, bytes: number): void {
    this.native.copy(dst, src, bytes);
  }

  fill32(dst: DevicePtr, value: number, count: number): void {
    this.native.fill32(dst, value >>> 0, count);
  }

  launch(kernel: string, grid: Dim3, block: Dim3, sharedBytes: number, args: readonly KernelArg[]): void {
    const id = KERNEL_IDS.get(kernel);
    const spec = KERNEL_ABI[kernel];
    if (id === undefined || !spec)
      throw new CudaAbiError(`launch: '${kernel}' is not a kernel of KERNEL_ABI`);
    if (args.length !== spec.params.length) {
      throw new CudaAbiError(
        `launch(${kernel}): ${args.length} arguments, expected ${spec.params.length} (${spec.params.join(', ')})`,
      );
    }
    const view = this.argView;
    let offset = 0;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as KernelArg;
      const want = spec.params[i] as AbiParam;
      const got = kindOf(arg);
      if (got !== want)
        throw new CudaAbiError(`launch(${kernel}): argument ${i} is ${got}, expected ${want}`);
      if ('ptr' in arg) {
        if (typeof arg.ptr !== 'bigint' || arg.ptr < 0n) {
          throw new CudaAbiError(`launch(${kernel}): argument ${i} (ptr) must be a non-negative bigint`);
        }
        view.setBigUint64(offset, arg.ptr, true);
      } else if ('i32' in arg) {
        if (!Number.isInteger(arg.i32) || arg.i32 < -0x80000000 || arg.i32 > 0x7fffffff) {
          throw new CudaAbiError(
            `launch(${kernel}): argument ${i} (i32) is ${arg.i32}, not a 32-bit integer`,
          );
        }
        view.setInt32(offset, arg.i32, true);
      } else if ('u32' in arg) {
        if (!Number.isInteger(arg.u32) || arg.u32 < 0 || arg.u32 > MAX_U32) {
          throw new CudaAbiError(
            `launch(${kernel}): argument ${i} (u32) is ${arg.u32}, not an unsigned 32-bit integer`,
          );
        }
        view.setUint32(offset, arg.u32, true);
      } else if ('f32' in arg) {
        if (typeof arg.f32 !== 'number')
          throw new CudaAbiError(`launch(${kernel}): argument ${i} (f32) is not a number`);
        view.setFloat32(offset, arg.f32, true);
      } else {
        if (!(arg.dims instanceof Int32Array) || arg.dims.length !== NER_DIMS_INTS) {
          throw new CudaAbiError(
            `launch(${kernel}): argument ${i} (dims) must be an Int32Array of ${NER_DIMS_INTS}`,
          );
        }
        for (let k = 0; k < NER_DIMS_INTS; k++) view.setInt32(offset + 4 * k, arg.dims[k] as number, true);
      }
      offset += SLOT_BYTES[want];
    }
    const g = this.geometry;
    g[0] = grid[0];
    g[1] = grid[1];
    g[2] = grid[2];
    g[3] = block[0];
    g[4] = block[1];
    g[5] = block[2];
    g[6] = sharedBytes;
    this.native.launch(id, g, this.argBytes.subarray(0, offset));
  }

  gemm(d: GemmDesc): void {
    const p = this.gemmPointers;
    p[0] = d.a;
    p[1] = d.b;
    p[2] = d.c;
    p[3] = d.bias ?? 0n;
    const n = this.gemmNumbers;
    n[0] = d.m;
    n[1] = d.n;
    n[2] = d.k;
    n[3] = d.transA ? 1 : 0;
    n[4] = d.transB ? 1 : 0;
    n[5] = d.lda;
    n[6] = d.ldb;
    n[7] = d.ldc;
    n[8] = d.batch;
    n[9] = d.strideA;
    n[10] = d.strideB;
    n[11] = d.strideC;
    n[12] = d.alpha;
    n[13] = d.beta;
    n[14] = d.activation === 'relu' ? 1 : 0;
    n[15] = d.tf32 ? 1 : 0;
    n[16] = d.bf16 ? 1 : 0;
    this.native.gemm(p, n);
  }

  synchronize(): void {
    this.native.synchronize();
  }

  memGetInfo(): { readonly freeBytes: number; readonly totalBytes: number } {
    const [freeBytes, totalBytes] = this.native.memGetInfo();
    return { freeBytes, totalBytes };
  }

  close(): void {
    this.native.close();
  }

  startTimer(): number {
    return this.native.startTimer();
  }

  stopTimer(id: number): void {
    this.native.stopTimer(id);
  }

  readTimer(id: number): number {
    return this.native.readTimer(id);
  }
}

/**
 * Wraps the addon's device object (exported for tests, which pass a recording stand-in to check
 * argument validation and packing without a GPU).
 * @internal
 */
export function wrapNativeDevice(native: NativeDevice, addon: CudaAddon | null = null): CudaDevice {
  return new AddonCudaDevice(native, addon);
}

let probed: CudaProbe | null = null;

/**
 * Which device to open, from the environment: `NER_CUDA_DEVICE` when set; otherwise, in a launched
 * process (`LOCAL_RANK`, set by ner-launch, torchrun and accelerate launch), one GPU per local
 * rank as accelerate's `cuda:LOCAL_RANK` (the addon takes the one visible device when the launcher
 * gave each rank its own); otherwise device 0. `ordinal` -1 means "let the addon choose".
 * @internal
 */
export function deviceRequest(
  env: NodeJS.ProcessEnv,
): { ordinal: number; localRank: number } | { reason: string } {
  const index = (value: string) => (/^\d+$/.test(value.trim()) ? Number(value) : Number.NaN);
  if (env.NER_CUDA_DEVICE) {
    const ordinal = index(env.NER_CUDA_DEVICE);
    if (!Number.isSafeInteger(ordinal)) {
      return { reason: `NER_CUDA_DEVICE=${env.NER_CUDA_DEVICE} is not a device number` };
    }
    return { ordinal, localRank: -1 };
  }
  if (env.LOCAL_RANK !== undefined && env.LOCAL_RANK !== '') {
    const localRank = index(env.LOCAL_RANK);
    if (!Number.isSafeInteger(localRank)) {
      return {
        reason: `LOCAL_RANK=${env.LOCAL_RANK} is not a process index (set NER_CUDA_DEVICE to choose the GPU)`,
      };
    }
    return { ordinal: -1, localRank };
  }
  return { ordinal: -1, localRank: -1 };
}

/**
 * Opens the GPU once per process (later calls return the same result): the device
 * {@link deviceRequest} names (`NER_CUDA_DEVICE`, else `LOCAL_RANK`, else 0), kernels from the
 * fatbin or, failing that, NVRTC (`NER_CUDA_FORCE_NVRTC=1` skips the fatbin).
 * `NER_CUDA_DISABLE=1` reports unavailable. Never throws.
 */
export function probeCuda(): CudaProbe {
  if (!probed) probed = openCuda();
  return probed;
}

function openCuda(): CudaProbe {
  const env = process.env;
  if (env.NER_CUDA_DISABLE && env.NER_CUDA_DISABLE !== '0') {
    return { available: false, reason: 'disabled by NER_CUDA_DISABLE' };
  }
  const { addon, error } = loadCudaAddon();
  if (!addon) return { available: false, reason: error ?? 'the CUDA addon is not available' };
  const request = deviceRequest(env);
  if ('reason' in request) return { available: false, reason: request.reason };
  try {
    const sources = readKernelSources();
    const result = addon.openDevice({
      ...request,
      fatbinPath: existsSync(FATBIN_PATH) ? FATBIN_PATH : '',
      forceNvrtc: Boolean(env.NER_CUDA_FORCE_NVRTC && env.NER_CUDA_FORCE_NVRTC !== '0'),
      cacheDir: cudaCacheDir(env),
      ...sources,
      kernelNames: KERNEL_NAMES,
      kernelParams: KERNEL_NAMES.map((name) => (KERNEL_ABI[name] as { params: readonly AbiParam[] }).params),
    });
    if ('reason' in result) return { available: false, reason: result.reason, noDriver: result.noDriver };
    return { available: true, device: new AddonCudaDevice(result, addon) };
  } catch (error) {
    return {
      available: false,
      reason: `opening the CUDA device failed: ${(error as Error).message.split('\n')[0]}`,
    };
  }
}
