// numpy adds float arrays pairwise (8 partial sums per block of up to 128 values,
// halves above that), not left to right; the last bits of a weighted or macro
// average depend on it, so averages here add the same way to match scikit-learn exactly.

const BLOCK = 128;

function pairwise(values: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[start + i]!;
    return sum;
  }
  if (n <= BLOCK) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => values[start + k]!);
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let k = 0; k < 8; k++) r[k]! += values[start + i + k]!;
    }
    let sum = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) sum += values[start + i]!;
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwise(values, start, half) + pairwise(values, start + half, n - half);
}

/** `np.sum` of a 1-D float64 array: numpy's pairwise summation, bit for bit. */
export function npSum(values: ArrayLike<number>): number {
  return values.length === 0 ? 0 : pairwise(values, 0, values.length);
}

/** `np.average(values, weights)`: `np.sum(values * weights) / np.sum(weights)`; `null` when the weights sum to 0. */
export function npWeightedAverage(values: readonly number[], weights: readonly number[]): number | null {
  const total = npSum(weights);
  if (total === 0) return null;
  return npSum(values.map((v, i) => v * weights[i]!)) / total;
}
