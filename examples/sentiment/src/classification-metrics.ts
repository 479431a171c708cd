// Flat (one label per example) classification metrics with scikit-learn's semantics.
// @ner/seqeval scores entity spans; its count-based precision/recall core is internal, and
// no package holds sklearn's accuracy_score / f1_score / confusion_matrix for class ids.

/** Checks that `yTrue` and `yPred` are same-length lists of integer class ids in `[0, numClasses)`. */
function checkLabels(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses?: number): void {
  if (yTrue.length !== yPred.length) {
    throw new Error(`yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  }
  if (yTrue.length === 0) throw new Error('yTrue and yPred are empty');
  for (const [name, ys] of [
    ['yTrue', yTrue],
    ['yPred', yPred],
  ] as const) {
    for (let i = 0; i < ys.length; i++) {
      const y = ys[i]!;
      if (!Number.isInteger(y) || y < 0 || (numClasses !== undefined && y >= numClasses)) {
        const range = numClasses === undefined ? 'a class id >= 0' : `a class id in [0, ${numClasses})`;
        throw new Error(`${name}[${i}] is ${y}, expected ${range}`);
      }
    }
  }
}

/** sklearn `accuracy_score(y_true, y_pred)`: the fraction of exact matches. */
export function accuracyScore(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLabels(yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}

/**
 * sklearn `f1_score(y_true, y_pred, average='weighted')`: the F1 of each label that
 * occurs in `yTrue` or `yPred`, averaged with the label's true count (support) as weight.
 * A label with no true and no predicted example is left out; a label never predicted
 * (precision 0/0) gets F1 0, as sklearn's default `zero_division='warn'` does.
 */
export function weightedF1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLabels(yTrue, yPred);
  const tp = new Map<number, number>();
  const truth = new Map<number, number>();
  const pred = new Map<number, number>();
  const bump = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);
  for (let i = 0; i < yTrue.length; i++) {
    bump(truth, yTrue[i]!);
    bump(pred, yPred[i]!);
    if (yTrue[i] === yPred[i]) bump(tp, yTrue[i]!);
  }
  let weighted = 0;
  let support = 0;
  for (const [label, t] of truth) {
    const hits = tp.get(label) ?? 0;
    // F1 = 2·tp / (2·tp + fp + fn) = 2·tp / (predicted + true); never 0/0 since t > 0.
    weighted += t * ((2 * hits) / ((pred.get(label) ?? 0) + t));
    support += t;
  }
  // Labels only in yPred have support 0, so they add nothing to either sum.
  return weighted / support;
}

/**
 * sklearn `confusion_matrix(y_true, y_pred, labels=range(numClasses), normalize='true')`:
 * `m[i][j]` is the fraction of examples of true class `i` predicted as `j`, so each row
 * with examples sums to 1. A class with no true example gets a row of zeros (sklearn's
 * `nan_to_num` of 0/0).
 */
export function normalizedConfusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number,
): number[][] {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  }
  checkLabels(yTrue, yPred, numClasses);
  const counts = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) counts[yTrue[i]!]![yPred[i]!]!++;
  return counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (total === 0 ? 0 : c / total));
  });
}

/** Row-wise argmax of `[N, C]` logits stored row-major (ties go to the first index, as numpy). */
export function argmaxRows(data: ArrayLike<number>, numRows: number, numClasses: number): Int32Array {
  if (data.length !== numRows * numClasses) {
    throw new Error(`logits have ${data.length} values, expected ${numRows} × ${numClasses}`);
  }
  const out = new Int32Array(numRows);
  for (let i = 0; i < numRows; i++) {
    let best = 0;
    for (let j = 1; j < numClasses; j++) {
      if (data[i * numClasses + j]! > data[i * numClasses + best]!) best = j;
    }
    out[i] = best;
  }
  return out;
}
