// One small fine-tuning run with @ner/trainer's Trainer, and how far two such runs are apart: the
// training-parity check of the cuda backend (its emulated-kernels test, and step train-parity of
// tools/gpu-check on a GPU). The same rows, weights (seeded), shuffling and schedule on every
// backend, so runs on two backends differ only by their kernels' arithmetic. The packages come in
// as arguments (as in trainer-adamw-multi-suite.js), so the GPU check's bundle brings its own.
import { mulberry32 } from './random.cjs';

const LABELS = 5;
const VOCAB = 60;
const MAX_LENGTH = 20;

/**
 * Sentences of 6 to 20 tokens ([CLS] ... [SEP]); a token's label is its id modulo 5, or 0 after a
 * token below 12, so attention has something to learn. Seeded: the same rows everywhere.
 */
function parityRows(count, seed) {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const words = Array.from(
      { length: 4 + Math.floor(random() * (MAX_LENGTH - 5)) },
      () => 4 + Math.floor(random() * (VOCAB - 4)),
    );
    const labels = words.map((w, i) => (i > 0 && words[i - 1] < 12 ? 0 : w % LABELS));
    return { input_ids: [2, ...words, 3], labels: [-100, ...labels, -100] };
  });
}

/** 48 training rows (18 steps in 3 epochs of 8) and 20 evaluation rows. */
export const PARITY_TRAIN_ROWS = parityRows(48, 1);
export const PARITY_EVAL_ROWS = parityRows(20, 2);

/** Pads a batch to its longest row (id 0, mask 0, label -100), as DataCollatorForTokenClassification does. */
export function parityCollate(batch) {
  const length = Math.max(...batch.map((r) => r.input_ids.length));
  const column = (pick) => ({
    data: Int32Array.from(batch.flatMap((r) => Array.from({ length }, (_, j) => pick(r, j)))),
    shape: [batch.length, length],
    dtype: 'int32',
  });
  return {
    input_ids: column((r, j) => r.input_ids[j] ?? 0),
    attention_mask: column((r, j) => (j < r.input_ids.length ? 1 : 0)),
    labels: column((r, j) => r.labels[j] ?? -100),
  };
}

/**
 * A 2-layer BERT or DistilBERT past the kernels' one-block paths (an intermediate row of 320 > 256
 * threads), with seeded weights.
 */
function parityModel(models, arch, dropout) {
  if (arch === 'bert') {
    return new models.BertForTokenClassification(
      new models.BertConfig({
        vocabSize: VOCAB,
        hiddenSize: 48,
        numHiddenLayers: 2,
        numAttentionHeads: 3,
        intermediateSize: 320,
        maxPositionEmbeddings: 32,
        hiddenDropoutProb: dropout,
        attentionProbsDropoutProb: dropout,
        numLabels: LABELS,
      }),
      { seed: 11 },
    );
  }
  return new models.DistilBertForTokenClassification(
    new models.DistilBertConfig({
      vocabSize: VOCAB,
      dim: 48,
      nLayers: 2,
      nHeads: 3,
      hiddenDim: 320,
      maxPositionEmbeddings: 32,
      dropout,
      attentionDropout: dropout,
      numLabels: LABELS,
    }),
    { seed: 11 },
  );
}

/**
 * Three epochs of the Trainer on the active backend (18 steps: warm-up, linear decay, clipping at
 * 1, weight decay, a log every step), or `maxSteps` of them; then a prediction on the evaluation
 * rows. `bf16`: under bf16 autocast.
 */
export async function parityTrainingRun({
  tf,
  models,
  Trainer,
  outputDir,
  arch,
  dropout = 0,
  maxSteps = -1,
  bf16 = false,
}) {
  const model = parityModel(models, arch, dropout);
  const trainer = new Trainer({
    model,
    args: {
      outputDir,
      perDeviceTrainBatchSize: 8,
      perDeviceEvalBatchSize: 8,
      numTrainEpochs: 3,
      maxSteps,
      learningRate: 5e-3,
      weightDecay: 0.01,
      warmupRatio: 0.1,
      maxGradNorm: 1.0,
      loggingSteps: 1,
      saveStrategy: 'no',
      reportTo: 'none',
      logLevel: 'error',
      seed: 7,
      bf16,
    },
    trainDataset: PARITY_TRAIN_ROWS,
    dataCollator: parityCollate,
  });
  try {
    await trainer.train();
    const logged = trainer.state.logHistory.filter((entry) => entry.loss !== undefined);
    const { predictions, metrics } = await trainer.predict(PARITY_EVAL_ROWS);
    const argmax = tf.tidy(() =>
      tf.argMax(tf.tensor(predictions.data, [...predictions.shape]), -1).dataSync(),
    );
    const parameters = model.namedParameters().map(([name, variable]) => ({
      name,
      data: Float32Array.from(variable.dataSync()),
    }));
    return {
      losses: logged.map((entry) => entry.loss),
      gradNorms: logged.map((entry) => entry.grad_norm),
      parameters,
      evalLoss: metrics.test_loss,
      predictions: Int32Array.from(argmax),
    };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** The largest difference of two series, relative to each expected value. */
function relativeError(actual, expected) {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-6));
  }
  return worst;
}

/**
 * The attention key biases: their gradient is exactly zero in exact arithmetic (softmax ignores a
 * shift shared by a row), so what they get is rounding noise, which AdamW's normalisation turns into
 * steps of up to the learning rate whatever its size. Two backends' key biases drift apart by that
 * noise alone (as in @ner/models' gradient tests, which skip them too); they are compared apart.
 */
const STRUCTURALLY_ZERO = /\.attention\.(self\.key|k_lin)\.bias$/;

/**
 * The largest difference of two runs' final weights (those `include` accepts), relative to the
 * largest weight, and the parameter where it is.
 */
function weightError(actual, expected, include) {
  let worst = 0;
  let worstParameter = null;
  let scale = 0;
  for (const { data } of expected) for (const v of data) scale = Math.max(scale, Math.abs(v));
  if (actual.length !== expected.length) return { error: Number.POSITIVE_INFINITY, worstParameter: null };
  expected.forEach(({ name, data }, p) => {
    if (!include(name)) return;
    const other = actual[p]?.data;
    if (actual[p]?.name !== name || other?.length !== data.length) {
      worst = Number.POSITIVE_INFINITY;
      worstParameter = name;
      return;
    }
    for (let i = 0; i < data.length; i++) {
      const d = Math.abs(other[i] - data[i]);
      // NaN on either side is the worst difference there is, never a pass.
      if (!(d <= worst)) {
        worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
        worstParameter = name;
      }
    }
  });
  return { error: worst / scale, worstParameter };
}

/** The share of labelled evaluation tokens whose predicted label differs between two runs. */
function predictionMismatch(actual, expected) {
  const labels = parityCollate(PARITY_EVAL_ROWS).labels.data;
  let differ = 0;
  let count = 0;
  labels.forEach((label, i) => {
    if (label === -100) return;
    count += 1;
    if (actual[i] !== expected[i]) differ += 1;
  });
  return differ / count;
}

/**
 * How far run `actual` is from run `expected`: steps of each, the largest difference of the
 * logged losses (4 decimals, as Python logs them), relative errors of the grad norms and the eval
 * loss, the final weights' error (relative to the largest weight; the key biases apart) and where
 * it is largest, and the share of evaluation tokens predicted differently.
 */
export function compareParityRuns(actual, expected) {
  const weights = weightError(
    actual.parameters,
    expected.parameters,
    (name) => !STRUCTURALLY_ZERO.test(name),
  );
  const keyBiases = weightError(actual.parameters, expected.parameters, (name) =>
    STRUCTURALLY_ZERO.test(name),
  );
  return {
    steps: [actual.losses.length, expected.losses.length],
    lossMaxDiff:
      actual.losses.length === expected.losses.length
        ? Math.max(0, ...actual.losses.map((loss, i) => Math.abs(loss - expected.losses[i])))
        : Number.POSITIVE_INFINITY,
    gradNormError: relativeError(actual.gradNorms, expected.gradNorms),
    weightError: weights.error,
    worstParameter: weights.worstParameter,
    keyBiasError: keyBiases.error,
    evalLossError: relativeError([actual.evalLoss], [expected.evalLoss]),
    predictionMismatch: predictionMismatch(actual.predictions, expected.predictions),
  };
}

/** Whether a comparison holds: `steps` each, grad norms, eval loss and weights within their tolerances. */
export function parityHolds(comparison, { steps, tolerance, weightTolerance = tolerance }) {
  return (
    comparison.steps[0] === steps &&
    comparison.steps[1] === steps &&
    comparison.lossMaxDiff < 1.5e-4 &&
    comparison.gradNormError < tolerance &&
    comparison.weightError < weightTolerance &&
    comparison.evalLossError < tolerance &&
    comparison.predictionMismatch <= 0.01
  );
}
