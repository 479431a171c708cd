/**
 * Linear weights in the form the fused inference kernels read (src/kernels/inference.ts),
 * prepared once per weight and kept as long as its storage: the query, key and value weights
 * concatenated into one `[3H, H]` matrix (and their biases into one vector), packed into the
 * panel GEMM's layout, in fp32 or bf16. A one-sentence forward then streams each weight once, with
 * no per-call packing or concatenation.
 *
 * bf16 weights are multiplied on `vdpbf16ps` where the CPU has AVX512_BF16 (the pair layout; the
 * activations are rounded to bf16 inside each product, as torch's autocast does), else, or with
 * `NER_NATIVE_BF16_DOT=0`, widened exactly to fp32 (the fp32 product of the bf16-rounded weights).
 *
 * Keyed weakly by the cpu backend's Float32Array of the first source (as packed-weights.ts); the
 * other sources are checked by identity. Tensors are immutable in tfjs; the in-place AdamW kernel
 * and the buffer pool call `forgetPackedWeight` for arrays whose values change, which drops
 * every entry built from them here too ({@link forgetInferenceWeight}).
 */
import { roundToBf16 } from '../../../../tools/kernel-contract/index.js';
import { requireAddon } from '../addon.js';

/** What a product reads: the (concatenated) weight, and its packed copy when there is one. */
export interface PreparedLinear {
  /** `[n, k]` row-major (PyTorch's `[out, in]`); bf16-rounded when bf16 was asked without AVX-512F. */
  readonly weight: Float32Array;
  readonly packed: Float32Array | null;
  readonly packedBf16: Uint16Array | null;
  /** `packedBf16` is in the pair layout that vdpbf16ps reads (activations rounded to bf16). */
  readonly bf16Pairs: boolean;
}

interface Entry extends PreparedLinear {
  readonly sources: readonly Float32Array[];
  readonly bf16: boolean;
}

const entries = new WeakMap<Float32Array, Entry[]>();
const biases = new WeakMap<Float32Array, { sources: readonly Float32Array[]; value: Float32Array }>();
/** Every source array to the key its entries are filed under. */
const keyOf = new WeakMap<Float32Array, Float32Array>();
const packingOn = process.env.NER_NATIVE_PACK_WEIGHTS !== '0';
let bf16DotForced: boolean | null = null;

/**
 * Whether bf16 products run on vdpbf16ps (default where the CPU has AVX512_BF16) or widen the
 * weights to fp32 (`false`: exact fp32 products of the bf16 weights); `null`: as
 * `NER_NATIVE_BF16_DOT` says (read at each product, so a test can set it; `0` is off). For the
 * tests.
 */
export function setBf16DotProduct(on: boolean | null): void {
  bf16DotForced = on;
}

/** Whether bf16 products may use vdpbf16ps (what {@link setBf16DotProduct} or the environment say). */
export function bf16DotWanted(): boolean {
  return bf16DotForced ?? process.env.NER_NATIVE_BF16_DOT !== '0';
}

/** Whether a bf16 product with `k` inputs would run on vdpbf16ps now. */
export function bf16DotProduct(k: number): boolean {
  return bf16DotWanted() && k % 2 === 0 && requireAddon().cpuHasAvx512Bf16();
}

function sameSources(a: readonly Float32Array[], b: readonly Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function concatenated(sources: readonly Float32Array[]): Float32Array {
  if (sources.length === 1) return sources[0]!;
  const out = new Float32Array(sources.reduce((sum, s) => sum + s.length, 0));
  let offset = 0;
  for (const s of sources) {
    out.set(s, offset);
    offset += s.length;
  }
  return out;
}

// One bf16 rounding for models and backends (tools/kernel-contract); re-exported for the tests.
export { roundToBf16 };

/**
 * The weight `[n, k]` made of `sources` stacked along the output axis (one source: itself), with
 * its packed copy (fp32, or bf16 when `bf16`) where the panel kernel runs.
 */
export function preparedLinear(sources: readonly Float32Array[], k: number, bf16: boolean): PreparedLinear {
  const key = sources[0]!;
  const addon = requireAddon();
  const panel = packingOn && addon.panelGemmEnabled();
  const bf16Pairs = bf16 && panel && bf16DotProduct(k);
  const list = entries.get(key);
  const hit = list?.find(
    (e) => e.bf16 === bf16 && e.bf16Pairs === bf16Pairs && sameSources(e.sources, sources),
  );
  if (hit) return hit;
  let weight = concatenated(sources);
  const n = weight.length / k;
  let packed: Float32Array | null = null;
  let packedBf16: Uint16Array | null = null;
  if (bf16 && panel) {
    const size = addon.packedPanelsSize(k, n);
    // Huge-page memory of the fp32 copies, viewed as 16-bit: it is streamed on every product.
    const memory = addon.allocPacked(Math.ceil(size / 2));
    packedBf16 = new Uint16Array(memory.buffer, memory.byteOffset, size);
    addon.packPanelsBf16(weight, true, k, n, packedBf16, bf16Pairs);
  } else if (bf16) {
    // No AVX-512F: fp32 products on bf16-rounded weights (the same values, twice the bytes).
    weight = roundToBf16(weight);
  } else if (panel) {
    packed = addon.allocPacked(addon.packedPanelsSize(k, n));
    addon.packPanels(weight, true, k, n, packed);
  }
  const entry: Entry = { sources: [...sources], bf16, weight, packed, packedBf16, bf16Pairs };
  entries.set(key, [...(list ?? []), entry]);
  for (const s of sources) keyOf.set(s, key);
  return entry;
}

/** The biases of `sources` concatenated (one source: itself), kept like the weights. */
export function preparedBias(sources: readonly Float32Array[]): Float32Array {
  if (sources.length === 1) return sources[0]!;
  const key = sources[0]!;
  const hit = biases.get(key);
  if (hit && sameSources(hit.sources, sources)) return hit.value;
  const value = concatenated(sources);
  biases.set(key, { sources: [...sources], value });
  for (const s of sources) keyOf.set(s, key);
  return value;
}

/** Drops everything prepared from `array` (its values are about to change or be reused). */
export function forgetInferenceWeight(array: Float32Array): void {
  const key = keyOf.get(array);
  if (!key) return;
  entries.delete(key);
  biases.delete(key);
  keyOf.delete(array);
}
