// The README's computeLoss override (a class-weighted cross-entropy), run for real: the weights
// change the training and evaluation losses to the values a hand computation from the logits gives.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  type ComputeLossResult,
  type PreparedInputs,
  type TrainableModel,
  Trainer,
  type TrainerOptions,
  type TrainingArgumentsOptions,
} from '../src/index.js';
import { makeTempDir } from './temp-dirs.js';
import { collator, NO_DROPOUT, syntheticRows, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

// The README class, unchanged.
class WeightedLossTrainer<Row> extends Trainer<Row> {
  constructor(
    options: TrainerOptions<Row>,
    private readonly classWeights: number[],
  ) {
    super(options);
  }

  protected override computeLoss(
    model: TrainableModel,
    inputs: PreparedInputs,
    returnOutputs = false,
  ): ComputeLossResult {
    const outputs = model.forward(inputs, { training: this.modelTraining });
    const numLabels = outputs.logits.shape[outputs.logits.rank - 1]!;
    const logits = tf.reshape(outputs.logits, [-1, numLabels]);
    const labels = tf.reshape(inputs.labels!, [-1]);
    const valid = tf.notEqual(labels, -100); // special tokens and padding
    const safeLabels = tf.where(valid, labels, tf.zerosLike(labels));
    const weights = tf.mul(tf.gather(tf.tensor1d(this.classWeights), safeLabels), tf.cast(valid, 'float32'));
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(safeLabels, numLabels)), -1));
    const loss: tf.Scalar = tf.div(tf.sum(tf.mul(nll, weights)), tf.sum(weights)); // torch's weighted mean
    return returnOutputs ? [loss, outputs] : loss;
  }
}

// No dropout, so the first training step's loss is the loss of the initial weights.
const model = () => tinyModel(11, 3, NO_DROPOUT);
const rows = syntheticRows(8, 5);

/** sum(w[y] * -log softmax(logits)[y]) / sum(w[y]) over labelled tokens, in plain numbers. */
function weightedCrossEntropy(weights: number[]): number {
  const batch = collator.collate(rows);
  const logits = tf.tidy(() => model().forward(batch).logits);
  const values = logits.dataSync();
  const labels = (batch.labels as { data: Int32Array }).data;
  logits.dispose();
  let total = 0;
  let weightSum = 0;
  for (let token = 0; token < labels.length; token++) {
    const label = labels[token]!;
    if (label === -100) continue;
    const row = Array.from(values.subarray(token * 3, token * 3 + 3));
    const max = Math.max(...row);
    const logSumExp = max + Math.log(row.reduce((sum, v) => sum + Math.exp(v - max), 0));
    total += weights[label]! * (logSumExp - row[label]!);
    weightSum += weights[label]!;
  }
  return total / weightSum;
}

function args(): TrainingArgumentsOptions {
  return {
    outputDir: makeTempDir('ner-weighted-'),
    perDeviceTrainBatchSize: 8,
    perDeviceEvalBatchSize: 8,
    maxSteps: 1,
    loggingSteps: 1,
    saveStrategy: 'no',
    reportTo: 'none',
    logLevel: 'error',
  };
}

async function firstLosses<Row>(trainer: Trainer<Row>): Promise<{ eval: number; train: number }> {
  const evalLoss = (await trainer.evaluate()).eval_loss!;
  await trainer.train();
  return { eval: evalLoss, train: trainer.state.logHistory.find((e) => e.loss !== undefined)!.loss! };
}

describe('computeLoss override (README: class-weighted loss)', () => {
  it('trains and evaluates with the weighted loss, and equal weights give the default loss', async () => {
    const options = () => ({ model: model(), trainDataset: rows, evalDataset: rows, dataCollator: collator });
    const plain = await firstLosses(new Trainer({ ...options(), args: args() }));
    const equal = await firstLosses(new WeightedLossTrainer({ ...options(), args: args() }, [1, 1, 1]));
    const weighted = await firstLosses(new WeightedLossTrainer({ ...options(), args: args() }, [1, 2, 3]));

    const expectedPlain = weightedCrossEntropy([1, 1, 1]);
    const expectedWeighted = weightedCrossEntropy([1, 2, 3]);
    // Near-uniform initial logits keep the two close, but far beyond the 4-digit rounding of the logs.
    expect(Math.abs(expectedWeighted - expectedPlain)).toBeGreaterThan(0.005);
    expect(plain.eval).toBeCloseTo(expectedPlain, 5);
    expect(equal.eval).toBeCloseTo(expectedPlain, 5);
    expect(weighted.eval).toBeCloseTo(expectedWeighted, 5);
    // Logged training losses are rounded to 4 digits, as in Python.
    expect(plain.train).toBeCloseTo(expectedPlain, 4);
    expect(equal.train).toBe(plain.train);
    expect(weighted.train).toBeCloseTo(expectedWeighted, 4);
  });

  it('changes the gradients: one step with weights ends at other weights than the default', async () => {
    const trained = async <Row>(trainer: Trainer<Row>) => {
      await trainer.train();
      return trainer.model
        .namedParameters()
        .find(([name]) => name === 'classifier.weight')![1]
        .dataSync();
    };
    const options = () => ({ model: model(), trainDataset: rows, dataCollator: collator });
    const plain = await trained(new Trainer({ ...options(), args: args() }));
    const equal = await trained(new WeightedLossTrainer({ ...options(), args: args() }, [1, 1, 1]));
    const weighted = await trained(new WeightedLossTrainer({ ...options(), args: args() }, [1, 2, 3]));
    for (let i = 0; i < plain.length; i++) expect(equal[i]).toBeCloseTo(plain[i]!, 6);
    const largest = Math.max(...plain.map((v, i) => Math.abs(v - weighted[i]!)));
    expect(largest).toBeGreaterThan(1e-6);
  });
});

describe('default computeLoss', () => {
  it("trains through the model's own computeLoss (the loss alone) and gets forward's loss", async () => {
    // A model counting its calls; the loss it trains on must be forward's to the last digit logged.
    const counted = () => {
      const m = model();
      const calls = { computeLoss: 0, forward: 0 };
      const forward = m.forward.bind(m);
      const computeLoss = m.computeLoss.bind(m);
      m.forward = (...a: Parameters<typeof forward>) => {
        calls.forward++;
        return forward(...a);
      };
      m.computeLoss = (...a: Parameters<typeof computeLoss>) => {
        calls.computeLoss++;
        return computeLoss(...a);
      };
      return { m, calls };
    };
    const { m, calls } = counted();
    const trainer = new Trainer({ model: m, trainDataset: rows, dataCollator: collator, args: args() });
    await trainer.train();
    expect(calls).toEqual({ computeLoss: 1, forward: 0 });
    const trainLoss = trainer.state.logHistory.find((e) => e.loss !== undefined)!.loss!;
    expect(trainLoss).toBeCloseTo(weightedCrossEntropy([1, 1, 1]), 4);
    // Evaluation needs the logits: forward, not computeLoss.
    await trainer.evaluate(rows);
    expect(calls.forward).toBeGreaterThan(0);
    expect(calls.computeLoss).toBe(1);
  });
});
