// Shared by the GEMM kernel tests: seeded MatMul / BatchMatMul cases (transposes, odd sizes, panel
// tails, batches small enough for the per-entry path and large enough for the threaded one), run
// through an addon's gemm, and the error bound they are held to.
import { expect } from 'vitest';
import type { GemmKernelName, NativeAddon } from '../src/addon.js';

/** m, n, k, batch: ragged panel tails (n % 32), k over one 256 slice, one-row products, attention-like batches. */
export const GEMM_SHAPES: readonly (readonly [number, number, number, number])[] = [
  [1, 1, 1, 1],
  [7, 33, 5, 1],
  [13, 47, 300, 1],
  [1, 768, 64, 1],
  [64, 100, 64, 3],
  [128, 128, 520, 2],
  [5, 17, 3, 24],
  [37, 70, 9, 4],
];

/** Deterministic values in [-1, 1). */
export function seeded(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

export interface GemmCase {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly a: Float32Array;
  readonly b: Float32Array;
}

export function gemmCases(): GemmCase[] {
  const cases: GemmCase[] = [];
  let seed = 1;
  for (const [m, n, k, batch] of GEMM_SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        cases.push({
          m,
          n,
          k,
          batch,
          transA,
          transB,
          a: seeded(batch * m * k, seed++),
          b: seeded(batch * k * n, seed++),
        });
      }
    }
  }
  return cases;
}

export function describeCase(c: GemmCase): string {
  return `${c.batch} x [${c.m} x ${c.k}]${c.transA ? 'ᵀ' : ''} @ [${c.k} x ${c.n}]${c.transB ? 'ᵀ' : ''}`;
}

/** C = op(A) @ op(B) per batch entry on `addon`, with whatever kernel it has switched on. */
export function runGemm(addon: NativeAddon, c: GemmCase): Float32Array {
  const out = new Float32Array(c.batch * c.m * c.n);
  const aOffsets = Int32Array.from({ length: c.batch }, (_, i) => i * c.m * c.k);
  const bOffsets = Int32Array.from({ length: c.batch }, (_, i) => i * c.k * c.n);
  addon.gemm(c.a, c.b, out, aOffsets, bOffsets, c.m, c.n, c.k, c.transA, c.transB);
  return out;
}

/**
 * Σ_p |op(A)[i,p] op(B)[p,j]| per output: the scale a float32 sum of products is exact to. Two
 * correct kernels that add in different orders differ by a few ulps of it.
 */
export function magnitudes(c: GemmCase): Float64Array {
  const out = new Float64Array(c.batch * c.m * c.n);
  for (let e = 0; e < c.batch; e++) {
    const a = c.a.subarray(e * c.m * c.k);
    const b = c.b.subarray(e * c.k * c.n);
    for (let i = 0; i < c.m; i++) {
      for (let j = 0; j < c.n; j++) {
        let sum = 0;
        for (let p = 0; p < c.k; p++) {
          const x = (c.transA ? a[p * c.m + i] : a[i * c.k + p]) ?? Number.NaN;
          const y = (c.transB ? b[j * c.k + p] : b[p * c.n + j]) ?? Number.NaN;
          sum += Math.abs(x * y);
        }
        out[e * c.m * c.n + i * c.n + j] = sum;
      }
    }
  }
  return out;
}

/** The worst |got - want| / Σ|a b| over the outputs (0 when equal); NaN anywhere gives Infinity. */
export function worstScaledError(got: Float32Array, want: Float32Array, scale: Float64Array): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const error = Math.abs((got[i] ?? Number.NaN) - (want[i] ?? Number.NaN)) / Math.max(scale[i] ?? 0, 1e-30);
    if (!(error <= worst)) worst = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error;
  }
  return worst;
}

/**
 * Holds each of `kernels` that `subject` has to `peer` running `peerKernel` (the same addon or
 * another build), case by case, within 1e-5 of Σ|a b|. Returns how many (kernel, case) pairs were
 * compared; `subject` is left on the last kernel it switched to.
 */
export function expectKernelsAgree(
  subject: NativeAddon,
  kernels: readonly GemmKernelName[],
  peer: NativeAddon,
  peerKernel: GemmKernelName,
  cases: readonly GemmCase[],
): number {
  let compared = 0;
  for (const c of cases) {
    peer.setGemmKernel(peerKernel);
    const want = runGemm(peer, c);
    const scale = magnitudes(c);
    for (const kernel of kernels) {
      if (!subject.setGemmKernel(kernel)) continue;
      expect(worstScaledError(runGemm(subject, c), want, scale), `${kernel} ${describeCase(c)}`).toBeLessThan(
        1e-5,
      );
      compared++;
    }
  }
  return compared;
}
