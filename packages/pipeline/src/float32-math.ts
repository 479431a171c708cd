// Float32 arithmetic that reproduces numpy's float32 results, because Python's
// pipeline computes softmax and means on float32 arrays: doing the same steps in
// float64 would move scores in the 7th digit and can flip near-tied argmaxes.

const f32 = Math.fround;

/** numpy's block size below which `pairwise_sum` adds with 8 accumulators. */
const PAIRWISE_BLOCK = 128;

/**
 * Sum of `values[from..from+n)` in float32 exactly as numpy's `pairwise_sum`
 * does it for a contiguous float32 reduction (e.g. `x.sum(axis=-1)` on a row):
 * fewer than 8 terms are added in order; up to 128 terms go through 8 interleaved
 * accumulators combined as `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, then the rest;
 * longer runs are split in two halves (first half a multiple of 8).
 */
export function float32PairwiseSum(values: ArrayLike<number>, from = 0, n = values.length - from): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum = f32(sum + values[from + i]!);
    return sum;
  }
  if (n <= PAIRWISE_BLOCK) {
    const r = new Float32Array(8);
    for (let j = 0; j < 8; j++) r[j] = values[from + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = f32(r[j]! + values[from + i + j]!);
    }
    let sum = f32(
      f32(f32(r[0]! + r[1]!) + f32(r[2]! + r[3]!)) + f32(f32(r[4]! + r[5]!) + f32(r[6]! + r[7]!)),
    );
    for (; i < n; i++) sum = f32(sum + values[from + i]!);
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return f32(float32PairwiseSum(values, from, half) + float32PairwiseSum(values, from + half, n - half));
}

/**
 * Row-wise softmax of a `[rows][cols]` float32 matrix, as the pipeline writes it:
 * `exp(x - max) / sum(exp(x - max))` with every intermediate rounded to float32.
 */
export function float32Softmax(row: ArrayLike<number>): Float32Array {
  const n = row.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = f32(row[i]!);
    // np.max propagates NaN; keep that so a NaN logit yields NaN scores as in Python.
    if (v > max || Number.isNaN(v)) max = v;
    if (Number.isNaN(max)) break;
  }
  const shifted = new Float32Array(n);
  for (let i = 0; i < n; i++) shifted[i] = Math.exp(f32(f32(row[i]!) - max));
  const total = float32PairwiseSum(shifted);
  for (let i = 0; i < n; i++) shifted[i] = shifted[i]! / total;
  return shifted;
}

/** Index of the first maximum, like `np.argmax` (a NaN counts as the maximum, first one wins). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) return i;
    if (v > values[best]!) best = i;
  }
  return best;
}

/** Largest value, like `np.max` (NaN wins). */
export function maxOf(values: ArrayLike<number>): number {
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) return v;
    if (v > best) best = v;
  }
  return best;
}

/**
 * `np.nanmean(values)` of a 1-D float32 array: NaNs are replaced by 0 and left out
 * of the count, the sum is numpy's float32 pairwise sum, and the float32 total is
 * divided by the integer count (in float64, then rounded back to float32).
 * All-NaN input gives NaN, as numpy does (with a RuntimeWarning there).
 */
export function float32NanMean(values: ArrayLike<number>): number {
  const cleaned = new Float32Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    cleaned[i] = v;
    count++;
  }
  return f32(float32PairwiseSum(cleaned) / count);
}

/**
 * `np.nanmean(np.stack(rows), axis=0)`: column means of float32 rows. numpy reduces
 * axis 0 of a C-contiguous array row by row (no pairwise split), so the sum here is
 * sequential in float32.
 */
export function float32NanMeanColumns(rows: readonly ArrayLike<number>[]): Float32Array {
  const cols = rows[0]?.length ?? 0;
  const out = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    let sum = 0;
    let count = 0;
    for (const row of rows) {
      const v = row[j]!;
      if (Number.isNaN(v)) continue;
      sum = f32(sum + v);
      count++;
    }
    out[j] = sum / count;
  }
  return out;
}
