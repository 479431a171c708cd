import { pairwiseSum } from '@ner/seqeval/internal';

// numpy adds float arrays pairwise (8 partial sums per block of up to 128 values,
// halves above that), not left to right; the last bits of a weighted or macro
// average depend on it, so averages here add the same way to match scikit-learn exactly
// (the blocks are seqeval's `pairwiseSum`, one copy for both packages).

/** `np.sum` of a 1-D float64 array: numpy's pairwise summation, bit for bit. */
export function npSum(values: ArrayLike<number>): number {
  return values.length === 0 ? 0 : pairwiseSum(values, 0, values.length);
}

/** `np.average(values, weights)`: `np.sum(values * weights) / np.sum(weights)`; `null` when the weights sum to 0. */
export function npWeightedAverage(values: readonly number[], weights: readonly number[]): number | null {
  const total = npSum(weights);
  if (total === 0) return null;
  return npSum(values.map((v, i) => v * weights[i]!)) / total;
}
