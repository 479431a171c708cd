import type { HostTensor } from '@ner/collate';

/**
 * The course's `compute_metrics` step: argmax over the label axis and drop the
 * positions labelled -100 (special tokens, continuation pieces under `first`, padding).
 */
export function predictionsToTags(
  logits: HostTensor,
  labelIds: HostTensor,
  labelNames: readonly string[],
): { yTrue: string[][]; yPred: string[][] } {
  const [rows, width, classes] = logits.shape as [number, number, number];
  const yTrue: string[][] = [];
  const yPred: string[][] = [];
  for (let r = 0; r < rows; r++) {
    const truth: string[] = [];
    const pred: string[] = [];
    for (let c = 0; c < width; c++) {
      const label = labelIds.data[r * width + c]!;
      if (label === -100) continue;
      const base = (r * width + c) * classes;
      let best = 0;
      for (let k = 1; k < classes; k++) if (logits.data[base + k]! > logits.data[base + best]!) best = k;
      truth.push(labelNames[label]!);
      pred.push(labelNames[best]!);
    }
    yTrue.push(truth);
    yPred.push(pred);
  }
  return { yTrue, yPred };
}
