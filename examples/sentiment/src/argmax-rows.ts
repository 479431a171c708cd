// Row-wise argmax of a [N, C] logits matrix: the step between a Trainer's predictions and
// class ids (Python: `np.argmax(logits, axis=-1)`). The metrics themselves are @ner/evaluate's.

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
