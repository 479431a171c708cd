/**
 * A batch of numbers laid out row-major with its shape: what the Trainer's
 * `EvalPrediction` and the collators' host tensors carry. Structural, so this
 * package depends on none of them.
 */
export interface ShapedArray {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

/** Tag sequences ready for `computeSeqeval(yPred, yTrue)`. */
export interface AlignedTags {
  readonly yTrue: string[][];
  readonly yPred: string[][];
}

/**
 * The `compute_metrics` / `postprocess` step of the Hugging Face token-classification
 * walkthrough: argmax over the label axis of `[rows, width, classes]` logits, then keep
 * only the positions whose label is not `ignoreIndex` (-100: special tokens, padding and,
 * under the `first` strategy, continuation pieces), mapping ids to names.
 * Ties go to the lowest class id, as `numpy.argmax` does.
 *
 * `[rows, width]` predictions are class ids already (the accelerate loop's
 * `logits.argmax(dim=-1)`, padded across processes with -100); they are used as they are.
 *
 * @example
 * const { yTrue, yPred } = predictionsToTags(predictions, labelIds, ['O', 'B-PER', 'I-PER']);
 * computeSeqeval(yPred, yTrue);
 */
export function predictionsToTags(
  logits: ShapedArray,
  labelIds: ShapedArray,
  labelNames: readonly string[],
  ignoreIndex = -100,
): AlignedTags {
  if (logits.shape.length !== 3 && logits.shape.length !== 2) {
    throw new RangeError(
      `predictionsToTags: logits must be [rows, width, classes] (or class ids [rows, width]), got [${logits.shape}]`,
    );
  }
  const ids = logits.shape.length === 2;
  const [rows, width] = logits.shape as [number, number];
  const classes = ids ? labelNames.length : logits.shape[2]!;
  if (labelIds.shape.length !== 2 || labelIds.shape[0] !== rows || labelIds.shape[1] !== width) {
    throw new RangeError(
      `predictionsToTags: labelIds must be [${rows}, ${width}] to match logits [${logits.shape}], got [${labelIds.shape}]`,
    );
  }
  if (classes > labelNames.length) {
    throw new RangeError(
      `predictionsToTags: logits have ${classes} classes but labelNames has ${labelNames.length}`,
    );
  }
  const yTrue: string[][] = [];
  const yPred: string[][] = [];
  for (let r = 0; r < rows; r++) {
    const truth: string[] = [];
    const pred: string[] = [];
    for (let c = 0; c < width; c++) {
      const label = labelIds.data[r * width + c]!;
      if (label === ignoreIndex) continue;
      const name = labelNames[label];
      if (name === undefined) {
        throw new RangeError(
          `predictionsToTags: label id ${label} at row ${r}, position ${c} has no name in labelNames`,
        );
      }
      let best = 0;
      if (ids) {
        best = logits.data[r * width + c]!;
        if (!Number.isInteger(best) || best < 0 || best >= labelNames.length) {
          throw new RangeError(
            `predictionsToTags: predicted id ${best} at row ${r}, position ${c} has no name in labelNames`,
          );
        }
      } else {
        const base = (r * width + c) * classes;
        for (let k = 1; k < classes; k++) if (logits.data[base + k]! > logits.data[base + best]!) best = k;
      }
      truth.push(name);
      pred.push(labelNames[best]!);
    }
    yTrue.push(truth);
    yPred.push(pred);
  }
  return { yTrue, yPred };
}
