// TrainingArguments.labelSmoothingFactor: the Trainer's loss becomes transformers' LabelSmoother
// of the logits, in evaluation and in training, checked against the formula in float64.
import { describe, expect, it } from 'vitest';
import { Trainer, TrainingArguments, TrainingArgumentsError } from '../src/index.js';
import { makeTempDir } from './temp-dirs.js';
import { collator, NO_DROPOUT, SHORT_RUN, syntheticRows, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

const rows = syntheticRows(12);

function trainer(labelSmoothingFactor: number, seed = 7) {
  return new Trainer({
    model: tinyModel(seed, 3, NO_DROPOUT),
    args: {
      ...SHORT_RUN,
      outputDir: makeTempDir('ner-smoothing-'),
      perDeviceEvalBatchSize: 64,
      saveStrategy: 'no',
      labelSmoothingFactor,
    },
    trainDataset: rows,
    evalDataset: rows,
    dataCollator: collator,
  });
}

/** LabelSmoother over every position of padded logits [B, T, C] and labels [B, T], in float64. */
function smoothedLoss(logits: Float32Array, labels: Int32Array, classes: number, epsilon: number): number {
  let nll = 0;
  let smoothed = 0;
  let active = 0;
  for (let p = 0; p < labels.length; p++) {
    if (labels[p] === -100) continue;
    const row = Array.from(logits.subarray(p * classes, (p + 1) * classes));
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((sum, x) => sum + Math.exp(x - max), 0));
    nll += logSum - row[labels[p]!]!;
    smoothed += row.reduce((sum, x) => sum + logSum - x, 0);
    active += 1;
  }
  return (1 - epsilon) * (nll / active) + epsilon * (smoothed / (active * classes));
}

describe('labelSmoothingFactor', () => {
  it('eval_loss is the label-smoothed loss of the logits (one batch), and 0 keeps the model loss', async () => {
    const smoothing = trainer(0.1);
    const { predictions, labelIds } = await smoothing.predict(rows);
    const logits = predictions.data as Float32Array;
    const labels = labelIds!.data as Int32Array;
    const metrics = await smoothing.evaluate();
    expect(metrics.eval_loss).toBeCloseTo(smoothedLoss(logits, labels, 3, 0.1), 5);
    const plain = await trainer(0).evaluate();
    expect(plain.eval_loss).toBeCloseTo(smoothedLoss(logits, labels, 3, 0), 5);
    expect(metrics.eval_loss).not.toBeCloseTo(plain.eval_loss!, 3);
  });

  it('trains on it: finite losses, apart from the unsmoothed run from the first step', async () => {
    const smoothing = trainer(0.2);
    await smoothing.train();
    const plain = trainer(0);
    await plain.train();
    const losses = (t: { state: Trainer['state'] }) =>
      t.state.logHistory.filter((e) => 'loss' in e).map((e) => e.loss!);
    expect(losses(smoothing)).toHaveLength(4);
    for (const loss of losses(smoothing)) expect(Number.isFinite(loss)).toBe(true);
    // Smoothing pulls the targets towards uniform: the loss of a 3-class head at init is close to ln 3
    // either way, and the two runs' losses differ from the first step.
    expect(losses(smoothing)[0]).not.toBeCloseTo(losses(plain)[0]!, 4);
  });

  it('is checked and written to training_args.json under Python’s name', () => {
    const base = { outputDir: makeTempDir('ner-smoothing-args-') };
    expect(() => new TrainingArguments({ ...base, labelSmoothingFactor: -0.1 })).toThrow(
      TrainingArgumentsError,
    );
    expect(() => new TrainingArguments({ ...base, labelSmoothingFactor: 1.5 })).toThrow(
      'TrainingArguments.labelSmoothingFactor: expected a value in [0, 1], got 1.5',
    );
    expect(
      new TrainingArguments({ ...base, labelSmoothingFactor: 0.1 }).toJSON().label_smoothing_factor,
    ).toBe(0.1);
    expect(new TrainingArguments(base).toJSON().label_smoothing_factor).toBe(0);
  });
});
