/**
 * Loads the compiled N-API addon (`build/Release/ner_native.node`), never
 * throwing: when it was not built (install script not run, no compiler) or
 * cannot load, `addon` is null and `addonError` says why, in one line.
 */
import { fileURLToPath } from 'node:url';
import { loadOptionalAddon } from '../../../tools/native-build/load-addon.js';
import { type AddonBuildStatus, missingAddonReason, readBuildStatus } from './build-status.js';

/** One Linear of encoderLayer: weight [n, k], packed fp32 | null, packed bf16 | null, bias [n], bf16Pairs. */
export type EncoderLinearArgs = readonly [
  Float32Array,
  Float32Array | null,
  Uint16Array | null,
  Float32Array,
  boolean,
];

/** The functions the addon exports (see src/addon/binding.cc). */
export interface NativeAddon {
  gemm(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    aOffsets: Int32Array,
    bOffsets: Int32Array,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
  ): void;
  /**
   * gemm's contract under bf16 autocast: both operands rounded to bfloat16, fp32 accumulation
   * (src/addon/autocast_gemm.cc); `allowDot` false keeps it off vdpbf16ps.
   */
  gemmBf16(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    aOffsets: Int32Array,
    bOffsets: Int32Array,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    allowDot: boolean,
  ): void;
  /** Whether gemmBf16 can run on vdpbf16ps here (AVX512_BF16 and the panel kernel). */
  autocastDotAvailable(): boolean;
  unary(op: number, x: Float32Array, out: Float32Array): void;
  binary(
    op: number,
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    dims: Int32Array,
    aStrides: Int32Array,
    bStrides: Int32Array,
  ): void;
  compare(
    op: number,
    a: Float32Array,
    b: Float32Array,
    out: Uint8Array,
    dims: Int32Array,
    aStrides: Int32Array,
    bStrides: Int32Array,
  ): void;
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, r: number, inner: number): void;
  softmax(x: Float32Array, out: Float32Array, cols: number): void;
  transpose(
    x: Float32Array | Int32Array,
    out: Float32Array | Int32Array,
    shape: Int32Array,
    perm: Int32Array,
  ): void;
  gather(
    params: Float32Array | Int32Array,
    indices: Int32Array,
    out: Float32Array | Int32Array,
    outer: number,
    axisDim: number,
    inner: number,
  ): number;
  scatterAdd(
    indices: Int32Array,
    depth: number,
    strides: Int32Array,
    updates: Float32Array,
    out: Float32Array,
    sliceSize: number,
    skipInvalid: boolean,
  ): number;
  adamw(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    outParam: Float32Array,
    outM: Float32Array,
    outV: Float32Array,
    decayFactor: number,
    beta1: number,
    beta2: number,
    biasCorrection2Sqrt: number,
    eps: number,
    stepSize: number,
    /** Each gradient is multiplied by this float32 first (1: as it is). */
    gradMultiplier: number,
  ): void;
  /**
   * Packs op(b) (k x n; b stored n x k when transB) in gemmPacked's layout into `packed`
   * (packedPanelsSize(k, n) floats).
   */
  packPanels(b: Float32Array, transB: boolean, k: number, n: number, packed: Float32Array): void;
  packedPanelsSize(k: number, n: number): number;
  /** A Float32Array of `floats` on 2 MiB-aligned memory advised for huge pages (packed copies). */
  allocPacked(floats: number): Float32Array;
  /**
   * out (m x n) = a (m x k) @ a matrix packPanels packed, plus `bias` (n floats) on every row
   * when given; only while panelGemmEnabled().
   */
  gemmPacked(
    a: Float32Array,
    packed: Float32Array,
    out: Float32Array,
    m: number,
    n: number,
    k: number,
    bias: Float32Array | null,
  ): void;
  /**
   * True while gemm runs the addon's AVX-512 kernel instead of OpenBLAS: by default where the
   * CPU has AVX-512F, unless NER_NATIVE_PANEL_GEMM=0.
   */
  panelGemmEnabled(): boolean;
  /** Switches the AVX-512 kernel on or off; returns what is now in effect (false without AVX-512F). */
  setPanelGemm(on: boolean): boolean;
  /** Which kernel gemm runs now. */
  gemmKernel(): GemmKernelName;
  /** Switches gemm's kernel; false (nothing changed) when this CPU or build lacks it. */
  setGemmKernel(kernel: GemmKernelName): boolean;
  /** Whether the addon was linked against OpenBLAS (it builds without where OpenBLAS is missing). */
  builtWithOpenBlas(): boolean;
  /** LayerNorm over rows of `n`: y, and each row's mean and 1 / sqrt(var + eps). */
  layerNorm(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    n: number,
    eps: number,
  ): void;
  layerNormGrad(
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
    n: number,
  ): void;
  /** 0.5 x (1 + erf(x / sqrt 2)) and its gradient dy * (Phi(x) + x phi(x)). */
  geluErf(x: Float32Array, y: Float32Array): void;
  geluErfGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  /** Softmax's gradient over rows of `cols`: dx = y * (dy - sum(dy * y)) (the composite's bits). */
  softmaxGrad(dy: Float32Array, y: Float32Array, dx: Float32Array, cols: number): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** `openblas_get_config()`, or "" in a build without OpenBLAS. */
  blasConfig(): string;
  /** mallopt: big blocks from the heap, freed memory kept for reuse. Process-wide. */
  tuneMalloc(): boolean;
  /**
   * y (m x n) = x (m x k) @ weight^T (+ bias), weight stored n x k (PyTorch's Linear), read from
   * `packed` (fp32 panels) or `packedBf16` (bf16 panels, in the pair layout when `bf16Pairs`)
   * when given; then `epilogue` in place: 0 none, 1 erf GELU, 2 LayerNorm(y + residual) with
   * gamma, beta, eps (inference.cc).
   */
  linearAct(
    x: Float32Array,
    weight: Float32Array,
    packed: Float32Array | null,
    packedBf16: Uint16Array | null,
    bias: Float32Array | null,
    y: Float32Array,
    m: number,
    n: number,
    k: number,
    epilogue: number,
    residual: Float32Array | null,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    eps: number,
    bf16Pairs: boolean,
  ): void;
  /**
   * Self-attention on the fused QKV product `qkv` [batch * length, 3 * heads * headSize], additive
   * `mask` [batch, length] or null; `out` [batch * length, heads * headSize], heads merged.
   */
  selfAttention(
    qkv: Float32Array,
    mask: Float32Array | null,
    out: Float32Array,
    batch: number,
    length: number,
    heads: number,
    headSize: number,
    scaleQueryFirst: boolean,
  ): void;
  /**
   * One post-LayerNorm encoder layer (inference, erf GELU) in one call (encoder_layer.cc): y
   * [batch * length, hidden] from x (same shape) and the additive mask [batch, length] or null,
   * intermediates in `scratch` (at least encoderLayerScratchSize floats). Each Linear as
   * {@link EncoderLinearArgs} (qkv: the three weights stacked, [3H, H]), then the two LayerNorms'
   * gamma and beta.
   */
  encoderLayer(
    x: Float32Array,
    mask: Float32Array | null,
    y: Float32Array,
    scratch: Float32Array,
    batch: number,
    length: number,
    hidden: number,
    intermediate: number,
    heads: number,
    scaleQueryFirst: boolean,
    eps: number,
    ...weights: [
      ...EncoderLinearArgs,
      ...EncoderLinearArgs,
      ...EncoderLinearArgs,
      ...EncoderLinearArgs,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ]
  ): void;
  /** Floats of scratch encoderLayer needs for `rows` tokens. */
  encoderLayerScratchSize(rows: number, hidden: number, intermediate: number): number;
  /**
   * BERT's / DistilBERT's embedding layer for inference (embeddings.cc): y [batch * length, hidden]
   * = LayerNorm((words[id] + types[type]) + positions[t]) per token (without types: words[id] +
   * positions[t]). Returns -1, or (writing nothing) the flat position of the first input id out of
   * its table's range, plus batch x length when it is a token type id.
   */
  embeddings(
    inputIds: Int32Array,
    tokenTypeIds: Int32Array | null,
    wordEmbeddings: Float32Array,
    positionEmbeddings: Float32Array,
    tokenTypeEmbeddings: Float32Array | null,
    gamma: Float32Array,
    beta: Float32Array,
    y: Float32Array,
    batch: number,
    length: number,
    hidden: number,
    eps: number,
  ): number;
  /**
   * packPanels' layout with every weight rounded to bfloat16 (nearest even); `pairs`: k rows
   * interleaved in pairs for vdpbf16ps (needs AVX512_BF16 and an even k).
   */
  packPanelsBf16(
    b: Float32Array,
    transB: boolean,
    k: number,
    n: number,
    packed: Uint16Array,
    pairs: boolean,
  ): void;
  /** Whether the CPU has AVX512_BF16 (vdpbf16ps: the default bf16 product where it is there). */
  cpuHasAvx512Bf16(): boolean;
}

/**
 * GEMM kernels of the addon: its AVX-512 panel kernel, OpenBLAS (when linked), and its portable
 * AVX2 + FMA and generic kernels (used where neither of the first two is there).
 */
export type GemmKernelName = 'avx512' | 'openblas' | 'avx2' | 'generic';

/** Where the addon is looked for: the package's own build folder (beside src/ and dist/). */
export const ADDON_PATH = fileURLToPath(new URL('../build/Release/ner_native.node', import.meta.url));

/** What scripts/build-addon.mjs recorded about the last build (null when it never ran). */
export const BUILD_STATUS: AddonBuildStatus | null = readBuildStatus(
  fileURLToPath(new URL('../build/ner-build.json', import.meta.url)),
);

/**
 * OpenBLAS reads `OPENBLAS_THREAD_TIMEOUT` once, when the addon loads it. By default its idle
 * threads spin (sched_yield) for about 2^28 cycles after each GEMM; with as many threads as
 * cores, that spinning takes the cores the addon's own kernels run on next. 2^4 cycles makes
 * them sleep at once. A value the user set is kept.
 */
function configureOpenBlas(): void {
  if (process.env.OPENBLAS_THREAD_TIMEOUT === undefined) process.env.OPENBLAS_THREAD_TIMEOUT = '4';
}

function load(): { addon: NativeAddon | null; error: string | null } {
  if (process.env.NER_NATIVE_DISABLE) {
    return { addon: null, error: 'disabled by NER_NATIVE_DISABLE' };
  }
  return loadOptionalAddon<NativeAddon>(
    ADDON_PATH,
    'the native addon',
    () => missingAddonReason(BUILD_STATUS),
    configureOpenBlas,
  );
}

const loaded = load();

/** The addon, or null when it is not available. */
export const addon: NativeAddon | null = loaded.addon;

/** Why the addon is not available (one line), or null when it loaded. */
export const addonError: string | null = loaded.error;

/** The addon, for kernels that are only registered when it loaded. */
export function requireAddon(): NativeAddon {
  if (!addon) throw new Error(`@ner/tfjs-backend-native: ${addonError}`);
  return addon;
}
