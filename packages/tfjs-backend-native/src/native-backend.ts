/**
 * The `native` backend: the cpu backend's storage and kernels, with the hot
 * kernels replaced by the addon's. Every cpu kernel is registered again under
 * `native`, so every op works; the overrides read the cpu backend's typed
 * arrays in place and return fresh arrays as outputs, falling back to the cpu
 * kernel for dtypes or attributes they do not cover.
 */
import '@tensorflow/tfjs-backend-cpu';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { addon, addonError, BUILD_STATUS, type GemmKernelName } from './addon.js';
import {
  type AutocastDtype,
  SOFTMAX_GRAD_KERNEL,
  checkedAutocastDtype,
} from '../../../tools/kernel-contract/index.js';
import { describeGemm } from './build-status.js';
import {
  ADAMW_KERNEL_NAME,
  ADAMW_MULTI_KERNEL_NAME,
  adamwKernel,
  adamwMultiKernel,
} from './kernels/adamw.js';
import { castKernel } from './kernels/cast.js';
import {
  GELU_ERF_GRAD_KERNEL,
  GELU_ERF_KERNEL,
  LAYER_NORM_GRAD_KERNEL,
  LAYER_NORM_KERNEL,
  geluErfGradKernel,
  geluErfKernel,
  layerNormGradKernel,
  layerNormKernel,
} from './kernels/fused.js';
import {
  LINEAR_GELU_KERNEL,
  LINEAR_RESIDUAL_LAYER_NORM_KERNEL,
  QKV_PROJECTION_KERNEL,
  SELF_ATTENTION_KERNEL,
  linearGeluKernel,
  linearResidualLayerNormKernel,
  qkvProjectionKernel,
  selfAttentionKernel,
} from './kernels/inference.js';
import { ENCODER_LAYER_KERNEL, encoderLayerKernel } from './kernels/encoder-layer.js';
import { EMBEDDINGS_KERNEL, embeddingsKernel } from './kernels/embeddings.js';
import { padKernel } from './kernels/pad.js';
import { binaryKernel, compareKernel, unaryKernel } from './kernels/elementwise.js';
import { gatherKernel, scatterNdKernel, unsortedSegmentSumKernel } from './kernels/gather-scatter.js';
import { batchMatMulKernel, fusedMatMulKernel } from './kernels/matmul.js';
import { BINARY_OPS, COMPARE_OPS, REDUCE_OPS, UNARY_OPS } from './kernels/ops.js';
import { reduceKernel } from './kernels/reduce.js';
import { RANDOM_UNIFORM_KERNEL, randomUniformKernel } from './kernels/random.js';
import { softmaxGradKernel, softmaxKernel } from './kernels/softmax.js';
import { transposeKernel } from './kernels/transpose.js';
import { markExposed, recycle } from './kernels/buffer-pool.js';
import { bf16DotProduct } from './kernels/inference-weights.js';
import { type KernelArgs, runCpuKernel } from './kernels/util.js';

/** The name the backend registers under (`tf.setBackend('native')`). */
export const NATIVE_BACKEND_NAME = 'native';

/**
 * Priority in tfjs' automatic choice: above wasm (2) and cpu (1), below
 * tfjs-node (3), so importing this package makes it the default unless
 * libtensorflow is there too.
 */
export const NATIVE_BACKEND_PRIORITY = 2.5;

/**
 * The cpu backend, under its own class so `tf.backend()` says which one is active.
 * Creating it (when `native` is first selected) tunes glibc malloc for tensor churn:
 * blocks up to 32 MiB come from the heap and freed memory is kept for reuse instead
 * of being unmapped, so a new output does not fault in fresh zero pages (that made
 * an elementwise op ~1.5x slower here). Process-wide; `NER_NATIVE_MALLOC_TUNING=0`
 * leaves malloc alone.
 */
export class NativeBackend extends MathBackendCPU {
  constructor() {
    super();
    // The cpu backend prints "install our node backend to speed things up" on its first write;
    // that advice is wrong for this backend, whose hot kernels are already native.
    (this as unknown as { firstUse: boolean }).firstUse = false;
    if (process.env.NER_NATIVE_MALLOC_TUNING !== '0') addon?.tuneMalloc();
  }

  /** The storage itself goes to the caller (as in the cpu backend), so it is never reused. */
  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    markExposed(this.data.get(dataId)?.values);
    return super.readSync(dataId);
  }

  private autocast: AutocastDtype | null = null;

  /**
   * bf16 autocast for `MatMul` / `BatchMatMul` / `_FusedMatMul` (`'bf16'`), or off (`null`): both
   * operands rounded to bfloat16, products accumulated and returned in fp32, as
   * `torch.autocast(dtype=torch.bfloat16)` runs matmuls. On vdpbf16ps where the CPU has
   * AVX512_BF16, else exact fp32 products of the rounded values. `@ner/models`' `withAutocast`
   * (and `TrainingArguments.bf16`) switch it; other ops stay fp32.
   */
  setMatMulAutocast(dtype: AutocastDtype | null): void {
    this.autocast = checkedAutocastDtype(dtype);
  }

  /** What matmuls run in now: `'bf16'` under autocast, else `null` (fp32). */
  matMulAutocast(): AutocastDtype | null {
    return this.autocast;
  }

  /** A deleted tensor's output array goes back to the pool (buffer-pool.ts). */
  override disposeData(dataId: tf.DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const deleted = super.disposeData(dataId, force);
    if (deleted && values !== undefined && !this.data.has(dataId)) recycle(values);
    return deleted;
  }
}

type Kernel = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

const OVERRIDES: Record<string, Kernel> = {
  [tf.BatchMatMul]: batchMatMulKernel,
  [tf._FusedMatMul]: fusedMatMulKernel,
  [tf.Softmax]: softmaxKernel,
  [tf.Cast]: castKernel,
  [tf.PadV2]: padKernel,
  [tf.Transpose]: transposeKernel,
  [tf.GatherV2]: gatherKernel,
  [tf.ScatterNd]: scatterNdKernel,
  [tf.UnsortedSegmentSum]: unsortedSegmentSumKernel,
  [ADAMW_KERNEL_NAME]: adamwKernel,
  [ADAMW_MULTI_KERNEL_NAME]: adamwMultiKernel,
  [LAYER_NORM_KERNEL]: layerNormKernel,
  [LAYER_NORM_GRAD_KERNEL]: layerNormGradKernel,
  [GELU_ERF_KERNEL]: geluErfKernel,
  [GELU_ERF_GRAD_KERNEL]: geluErfGradKernel,
  [SOFTMAX_GRAD_KERNEL]: softmaxGradKernel,
  [QKV_PROJECTION_KERNEL]: qkvProjectionKernel,
  [SELF_ATTENTION_KERNEL]: selfAttentionKernel,
  [LINEAR_GELU_KERNEL]: linearGeluKernel,
  [LINEAR_RESIDUAL_LAYER_NORM_KERNEL]: linearResidualLayerNormKernel,
  [ENCODER_LAYER_KERNEL]: encoderLayerKernel,
  [EMBEDDINGS_KERNEL]: embeddingsKernel,
  [RANDOM_UNIFORM_KERNEL]: randomUniformKernel,
};
for (const name of Object.keys(UNARY_OPS) as (keyof typeof UNARY_OPS)[]) {
  OVERRIDES[name] = (args) => unaryKernel(name, args);
}
for (const name of Object.keys(BINARY_OPS) as (keyof typeof BINARY_OPS)[]) {
  OVERRIDES[name] = (args) => binaryKernel(name, args);
}
for (const name of Object.keys(COMPARE_OPS) as (keyof typeof COMPARE_OPS)[]) {
  OVERRIDES[name] = (args) => compareKernel(name, args);
}
for (const name of Object.keys(REDUCE_OPS) as (keyof typeof REDUCE_OPS)[]) {
  OVERRIDES[name] = (args) => reduceKernel(name, args);
}

/** The kernels the addon implements (the rest of `native` is the cpu backend's). */
export const NATIVE_KERNELS: readonly string[] = Object.keys(OVERRIDES).sort();

let registered = false;

/**
 * Registers the `native` backend and its kernels with this copy of
 * tfjs-core. Returns false (and registers nothing) when the addon is not
 * available; see {@link nativeBackendInfo} for why. Idempotent; importing the
 * package calls it.
 */
export function registerNativeBackend(): boolean {
  if (!addon) return false;
  if (registered) return true;
  registered = true;
  if (!tf.findBackendFactory(NATIVE_BACKEND_NAME)) {
    tf.registerBackend(NATIVE_BACKEND_NAME, () => new NativeBackend(), NATIVE_BACKEND_PRIORITY);
  }
  const done = new Set<string>();
  for (const config of tf.getKernelsForBackend('cpu')) {
    const override = OVERRIDES[config.kernelName];
    const cpu = config.kernelFunc;
    tf.registerKernel({
      ...config,
      backendName: NATIVE_BACKEND_NAME,
      kernelFunc: (override ?? ((args) => runCpuKernel(cpu, args as unknown as KernelArgs))) as tf.KernelFunc,
    });
    done.add(config.kernelName);
  }
  for (const [kernelName, kernelFunc] of Object.entries(OVERRIDES)) {
    if (done.has(kernelName)) continue;
    tf.registerKernel({
      kernelName,
      backendName: NATIVE_BACKEND_NAME,
      kernelFunc: kernelFunc as tf.KernelFunc,
    });
  }
  return true;
}

/** What the package found at load time. */
export interface NativeBackendInfo {
  /** True when the addon loaded and the `native` backend is registered. */
  readonly available: boolean;
  /** Why not (one line), or null. */
  readonly reason: string | null;
  /** Threads the addon's kernels and OpenBLAS use. */
  readonly threads: number;
  /** `openblas_get_config()`, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Zen"; "" in a build without OpenBLAS. */
  readonly blas: string | null;
  /** The kernel that runs matrix products now, or null without the addon. */
  readonly gemm: GemmKernelName | null;
  /** Why it runs as it does, for a log line: e.g. "AVX-512 GEMM, OpenBLAS not found"; null without the addon. */
  readonly summary: string | null;
  /**
   * How `dtype: 'bf16'` weights are multiplied: `vdpbf16ps` (AVX512_BF16, the default where the CPU
   * has it; activations rounded to bf16 too), `widened` (each weight widened exactly to fp32 against
   * fp32 activations: AVX-512F without AVX512_BF16, or `NER_NATIVE_BF16_DOT=0`), `fp32` (fp32
   * products on bf16-rounded copies: no AVX-512F); null without the addon.
   */
  readonly bf16Product: 'vdpbf16ps' | 'widened' | 'fp32' | null;
}

function bf16ProductNow(): NativeBackendInfo['bf16Product'] {
  if (!addon) return null;
  if (!addon.panelGemmEnabled() || process.env.NER_NATIVE_PACK_WEIGHTS === '0') return 'fp32';
  return bf16DotProduct(2) ? 'vdpbf16ps' : 'widened';
}

export function nativeBackendInfo(): NativeBackendInfo {
  return {
    available: registered,
    reason: registered ? null : (addonError ?? 'not registered'),
    threads: addon ? addon.getNumThreads() : 0,
    blas: addon ? addon.blasConfig() : null,
    gemm: addon ? addon.gemmKernel() : null,
    summary: addon ? describeGemm(addon.gemmKernel(), addon.builtWithOpenBlas(), BUILD_STATUS) : null,
    bf16Product: bf16ProductNow(),
  };
}

/**
 * Sets how many threads the kernels and OpenBLAS use (default: the machine's
 * logical cores, or `NER_NATIVE_THREADS`). No-op without the addon.
 */
export function setNativeThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`setNativeThreads: threads must be a positive integer, got ${threads}`);
  }
  addon?.setNumThreads(threads);
}

const fromEnv = process.env.NER_NATIVE_THREADS;
if (addon && fromEnv) {
  const threads = Number(fromEnv);
  if (Number.isInteger(threads) && threads >= 1) addon.setNumThreads(threads);
}
