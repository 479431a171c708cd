// Class weights for a token-classification loss, from the label counts of the training set.
//
// WNUT-17 is ~93% `O` tokens: a plain cross-entropy is minimised early by predicting `O`
// everywhere, and a small model trained from scratch never leaves that corner. Python users
// pass `torch.nn.CrossEntropyLoss(weight=...)` in a Trainer subclass; these are the weights.

/** Label counts over every row's `labels`, skipping -100 (special tokens, later sub-tokens). */
export function countLabels(rows: Iterable<{ labels: readonly number[] }>, numLabels: number): number[] {
  const counts = new Array<number>(numLabels).fill(0);
  for (const row of rows) {
    for (const label of row.labels) {
      if (label === -100) continue;
      if (!Number.isInteger(label) || label < 0 || label >= numLabels)
        throw new RangeError(`label ${label} is outside 0..${numLabels - 1} (and not -100)`);
      counts[label]! += 1;
    }
  }
  return counts;
}

/**
 * sklearn's `compute_class_weight("balanced")` (total / (classes × count)) raised to `power`:
 * 1 is fully balanced, 0.5 a softer square-root version, 0 all ones. Classes that never occur
 * get weight 1 (they add nothing to the loss either way). Only the ratios matter: the loss is a
 * weighted mean, as torch's.
 */
export function balancedClassWeights(counts: readonly number[], power = 1): number[] {
  if (!(power >= 0) || !Number.isFinite(power))
    throw new RangeError(`power must be a finite number >= 0, got ${power}`);
  const present = counts.filter((c) => c > 0);
  const total = present.reduce((a, b) => a + b, 0);
  return counts.map((count) => (count > 0 ? (total / (present.length * count)) ** power : 1));
}
