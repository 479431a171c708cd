// seqeval scores for the Trainer's `computeMetrics`: per-type lines printed each evaluation, overall
// scores returned (the Trainer prefixes them with `eval_`).
import { computeSeqeval, predictionsToTags } from '@ner/seqeval';
import type { EvalPrediction } from '@ner/trainer';

/** A `computeMetrics` that scores with seqeval on the labels that are not -100. */
export function seqevalMetrics(labelNames: readonly string[]) {
  return ({ predictions, labelIds }: EvalPrediction) => {
    const { yTrue, yPred } = predictionsToTags(predictions, labelIds!, labelNames);
    const scores = computeSeqeval(yPred, yTrue);
    for (const [type, s] of Object.entries(scores)) {
      if (typeof s === 'object')
        console.log(
          `  ${type.padEnd(5)} p=${s.precision.toFixed(3)} r=${s.recall.toFixed(3)} f1=${s.f1.toFixed(3)} n=${s.number}`,
        );
    }
    return {
      precision: scores.overall_precision,
      recall: scores.overall_recall,
      f1: scores.overall_f1,
      accuracy: scores.overall_accuracy,
    };
  };
}
