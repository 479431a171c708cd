import type { Label, LabelArray } from './labels.js';
import { npSum } from './numpy-sum.js';

/** Per-label sums of the samples (weighted when sample weights are given). */
export interface LabelCounts {
  /** Samples of the label predicted as that label. */
  tp: number[];
  /** Samples predicted as the label. */
  pred: number[];
  /** Samples whose true label it is (the support). */
  true: number[];
  /**
   * Whether scikit-learn holds these sums as floats: always with sample weights,
   * and also when no sample at all is right (its "pathological case" starts from
   * float zeros). Only the text report shows it (`3.0` instead of `3`).
   */
  isFloat: boolean;
}

/**
 * scikit-learn's `multilabel_confusion_matrix` for 1-D labels, reduced to what
 * precision and recall need: for each of `labels` (in that order; a label absent
 * from the data counts zero) the true positives, predicted and true sums. Sums
 * accumulate in sample order, as `np.bincount` does, so weighted sums match bit for bit.
 */
export function countLabels(
  yTrue: LabelArray,
  yPred: LabelArray,
  labels: readonly Label[],
  sampleWeight: ArrayLike<number> | null | undefined,
): LabelCounts {
  const tp = new Map<Label, number>();
  const pred = new Map<Label, number>();
  const truth = new Map<Label, number>();
  let anyCorrect = false;
  const add = (m: Map<Label, number>, key: Label, w: number) => m.set(key, (m.get(key) ?? 0) + w);
  for (let i = 0; i < yTrue.length; i++) {
    const w = sampleWeight ? sampleWeight[i]! : 1;
    const t = yTrue[i]!;
    const p = yPred[i]!;
    add(truth, t, w);
    add(pred, p, w);
    if (t === p) {
      add(tp, t, w);
      anyCorrect = true;
    }
  }
  const tpSum = labels.map((l) => tp.get(l) ?? 0);
  // scikit-learn stores fp = pred - tp and fn = true - tp, then adds tp back;
  // with float weights that round trip can change the last bit, so do the same.
  const predSum = labels.map((l, k) => tpSum[k]! + ((pred.get(l) ?? 0) - tpSum[k]!));
  const trueSum = labels.map((l, k) => tpSum[k]! + ((truth.get(l) ?? 0) - tpSum[k]!));
  return { tp: tpSum, pred: predSum, true: trueSum, isFloat: Boolean(sampleWeight) || !anyCorrect };
}

/** The counts pooled over labels (`average='micro'`), summed as numpy sums them. */
export function poolCounts(counts: LabelCounts): LabelCounts {
  return {
    tp: [npSum(counts.tp)],
    pred: [npSum(counts.pred)],
    true: [npSum(counts.true)],
    isFloat: counts.isFloat,
  };
}
