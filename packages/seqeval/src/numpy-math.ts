import type { WarningSink } from './warnings.js';

/**
 * numpy's float64 `add.reduce` on a contiguous array: sequential below 8
 * elements, eight interleaved partial sums up to 128, halves above. Matching it
 * keeps averages bit-identical to seqeval's `np.average`.
 */
export function pairwiseSum(values: ArrayLike<number>, start = 0, count = values.length): number {
  if (count < 8) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += values[start + i]!;
    return sum;
  }
  if (count <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = values[start + j]!;
    let i = 8;
    for (; i < count - (count % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j]! += values[start + i + j]!;
    }
    let sum = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < count; i++) sum += values[start + i]!;
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half);
}

/**
 * `ndarray.sum()` of a 1-D float array: the reduction starts from the first
 * element and adds the pairwise sum of the rest.
 */
export function npSum(values: readonly number[]): number {
  if (values.length === 0) return 0;
  return values[0]! + pairwiseSum(values, 1, values.length - 1);
}

/** `np.average(values)`: the mean; NaN plus numpy's two RuntimeWarnings when empty. */
export function npMean(values: readonly number[], sink: WarningSink): number {
  if (values.length === 0) {
    sink.warn('RuntimeWarning', 'Mean of empty slice.');
    sink.warn('RuntimeWarning', 'invalid value encountered in scalar divide');
    return Number.NaN;
  }
  return npSum(values) / values.length;
}

/** `np.average(values, weights=weights)` with a non-zero weight sum. */
export function npWeightedAverage(values: readonly number[], weights: readonly number[]): number {
  const products = values.map((value, i) => value * weights[i]!);
  return npSum(products) / npSum(weights);
}
