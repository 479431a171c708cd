import { EvaluateValueError } from './errors.js';
import { checkLabelsOption, checkSampleWeight, checkTargets, type Label, type LabelArray } from './labels.js';
import { npSum } from './numpy-sum.js';
import { checkOptionNames } from './option-names.js';

/** How {@link confusionMatrix} normalizes: over true labels (rows), predictions (columns) or everything. */
export type ConfusionNormalize = 'true' | 'pred' | 'all';

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /**
   * Row and column order (default: every label of `yTrue` and `yPred`, sorted);
   * samples whose true or predicted label is not listed are left out. At least
   * one listed label must occur in `yTrue`.
   */
  labels?: readonly Label[] | null;
  /** One weight per sample. */
  sampleWeight?: ArrayLike<number> | null;
  /** Divide by row sums (`'true'`), column sums (`'pred'`) or the total (`'all'`); 0/0 gives 0. */
  normalize?: ConfusionNormalize | null;
}

/** Largest matrix built (4096 × 4096 labels): checked before allocating, since `labels` can be any length. */
export const MAX_CONFUSION_CELLS = 4096 * 4096;

function checkMatrixSize(n: number): void {
  if (n * n > MAX_CONFUSION_CELLS) {
    throw new EvaluateValueError(
      `confusionMatrix: ${n} labels would make a ${n} × ${n} matrix, above the limit of ${MAX_CONFUSION_CELLS} cells`,
    );
  }
}

/** numpy's `nan_to_num`: NaN → 0, ±Infinity → ±the largest float. */
function nanToNum(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  if (x === Number.NEGATIVE_INFINITY) return -Number.MAX_VALUE;
  return x;
}

/**
 * scikit-learn's `confusion_matrix`: `m[i][j]` is the number (or weight) of
 * samples with true label `labels[i]` predicted as `labels[j]`.
 *
 * @example
 * confusionMatrix(['cat', 'ant', 'cat', 'cat', 'ant', 'bird'], ['ant', 'ant', 'cat', 'cat', 'ant', 'cat'],
 *   { labels: ['ant', 'bird', 'cat'] });
 * // [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
 */
export function confusionMatrix(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: ConfusionMatrixOptions = {},
): number[][] {
  checkOptionNames(options, 'confusion_matrix');
  const targets = checkTargets(yTrue, yPred);
  let labels: readonly Label[];
  if (options.labels === null || options.labels === undefined) {
    labels = targets.present;
  } else {
    labels = options.labels;
    checkLabelsOption(labels, targets.present);
    if (labels.length === 0) throw new EvaluateValueError("'labels' should contain at least one label.");
    checkMatrixSize(labels.length);
    if (yTrue.length === 0) return labels.map(() => labels.map(() => 0));
    const inTrue = new Set<Label>();
    for (let i = 0; i < yTrue.length; i++) inTrue.add(yTrue[i]!);
    if (!labels.some((l) => inTrue.has(l))) {
      throw new EvaluateValueError(
        `At least one label specified must be in yTrue; labels are ${labels.join(', ')}`,
      );
    }
  }
  checkSampleWeight(options.sampleWeight, yTrue.length);
  const normalize = options.normalize ?? null;
  if (normalize !== null && normalize !== 'true' && normalize !== 'pred' && normalize !== 'all') {
    throw new EvaluateValueError(
      `normalize must be one of 'true', 'pred', 'all' or null; got ${JSON.stringify(normalize)}`,
    );
  }

  const n = labels.length;
  checkMatrixSize(n);
  // A label listed twice keeps its last position, as scikit-learn's dict does.
  const index = new Map<Label, number>();
  labels.forEach((label, i) => {
    index.set(label, i);
  });
  const cm = labels.map(() => new Array<number>(n).fill(0));
  for (let s = 0; s < yTrue.length; s++) {
    const i = index.get(yTrue[s]!);
    const j = index.get(yPred[s]!);
    if (i === undefined || j === undefined) continue;
    cm[i]![j]! += options.sampleWeight ? options.sampleWeight[s]! : 1;
  }
  if (normalize === null) return cm;
  if (normalize === 'true') {
    return cm.map((row) => {
      const total = npSum(row);
      return row.map((v) => nanToNum(v / total));
    });
  }
  if (normalize === 'pred') {
    // numpy sums columns row after row (not pairwise).
    const totals = new Array<number>(n).fill(0);
    for (const row of cm) {
      for (let j = 0; j < n; j++) totals[j]! += row[j]!;
    }
    return cm.map((row) => row.map((v, j) => nanToNum(v / totals[j]!)));
  }
  const total = npSum(cm.flat());
  return cm.map((row) => row.map((v) => nanToNum(v / total)));
}
