/**
 * Weight matrices packed once into the AVX-512 GEMM's panel layout (src/addon/panel_gemm.cc),
 * for products with few rows: inference on one sentence multiplies ~30 rows by each weight
 * matrix, and re-packing the matrix on every call (what OpenBLAS, or the panel kernel on a
 * fresh B, does) costs about as much as the arithmetic there.
 *
 * A matrix is packed the second time it is the right-hand side of such a product (a matrix
 * used once, like a one-off product, is never copied), and the copy lives as long as the
 * tensor's storage: the cache is keyed weakly by the cpu backend's Float32Array. Tensors are
 * immutable in tfjs, so the copy stays valid, except under the in-place AdamW kernel, which
 * calls {@link forgetPackedWeight} for every array it writes. (Writing into the array that
 * `dataSync()` returns, which tfjs does not allow, would leave a stale copy.) The cost is memory:
 * about one more copy of the weights (+340 MB for bert-base). `NER_NATIVE_PACK_WEIGHTS=0`
 * turns the cache off.
 */
import { requireAddon } from '../addon.js';
import { forgetInferenceWeight } from './inference-weights.js';

/** Products with more rows than this pack B on every call (the copy is then a small share). */
export const PACKED_WEIGHT_MAX_ROWS = 256;

interface Packed {
  readonly transposed: boolean;
  readonly k: number;
  readonly n: number;
  readonly data: Float32Array;
}

const packed = new WeakMap<Float32Array, Packed>();
const seenOnce = new WeakSet<Float32Array>();
const enabled = process.env.NER_NATIVE_PACK_WEIGHTS !== '0';

/**
 * The packed copy of op(b) (k x n; `b` is stored n x k when `transposed`, as @ner/models'
 * Linear weights are) for the addon's `gemmPacked`, or null: on its first use, when the cache
 * is off, or when the panel kernel is not in use.
 */
export function packedWeight(
  b: Float32Array,
  transposed: boolean,
  k: number,
  n: number,
): Float32Array | null {
  if (!enabled || !requireAddon().panelGemmEnabled()) return null;
  const hit = packed.get(b);
  if (hit && hit.transposed === transposed && hit.k === k && hit.n === n) return hit.data;
  if (!hit && !seenOnce.has(b)) {
    seenOnce.add(b);
    return null;
  }
  const addon = requireAddon();
  // Its own memory (huge pages, not the output pool): it is streamed on every product.
  const data = addon.allocPacked(addon.packedPanelsSize(k, n));
  addon.packPanels(b, transposed, k, n, data);
  packed.set(b, { transposed, k, n, data });
  return data;
}

/** Drops the packed copy of `b` (its values are about to change in place). */
export function forgetPackedWeight(b: Float32Array): void {
  packed.delete(b);
  seenOnce.delete(b);
  forgetInferenceWeight(b);
}
