// Tweet sentiment (3 classes) with the Trainer, following the "fine-tuning for sentiment /
// emotion classification" workflow of Natural Language Processing with Transformers (ch. 2):
// load → tokenize (truncation) → DataCollatorWithPadding → AutoModelForSequenceClassification
// → Trainer with accuracy + weighted F1 → predict on test → normalized confusion matrix (SVG)
// → [CLS] hidden-state features → save / reload (same logits) → text-classification pipeline.
//
// Offline default: a small BERT initialised from scratch with the bert-base-uncased vocabulary
// from ../shared/data (pretrained weights cannot be downloaded here).
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Tokenizer } from '@ner/align';
import { DataCollatorWithPadding } from '@ner/collate';
import { ClassLabel, loadDataset } from '@ner/datasets';
import type { Dataset } from '@ner/datasets';
import { AutoModel, AutoModelForSequenceClassification, BertConfig, initBackend } from '@ner/models';
import { accuracyScore, confusionMatrix, f1Score } from '@ner/evaluate';
import { confusionMatrixSvg } from '@ner/evaluate/plot';
import { pipeline } from '@ner/pipeline';
import { Trainer, TrainingArguments } from '@ner/trainer';
import type { EvalPrediction } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { argmaxRows } from './argmax-rows.js';
import { decodeLiteralEscapes } from './decode-escapes.js';

const shared = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
// pnpm 10 forwards `start -- --flag` with the literal `--` first; drop it so flags parse.
const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: resolve(shared, 'sentiment') },
    tokenizer: { type: 'string', default: resolve(shared, 'tokenizers', 'bert-base-uncased') },
    output: { type: 'string' },
    'train-size': { type: 'string' },
    epochs: { type: 'string' },
    'learning-rate': { type: 'string' },
    'batch-size': { type: 'string' },
    'hidden-size': { type: 'string' },
    layers: { type: 'string' },
    dropout: { type: 'string' },
    'warmup-ratio': { type: 'string' },
    'weight-decay': { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
});

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

function nonNegativeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number >= 0, got "${value}"`);
  return n;
}

const smoke = opts.smoke;
// Smoke runs get their own folder so they never overwrite a real run's model and image.
const outputDir = opts.output ?? resolve(import.meta.dirname, '..', 'outputs', ...(smoke ? ['smoke'] : []));
const started = Date.now();
await initBackend();

// 1. Data: {text, label} with label a ClassLabel (loadDataset knows the `sentiment` folder).
const loaded = await loadDataset(opts.data);
console.log(loaded.toString());
// The tweets hold literal `\u2019`-style escapes (see decode-escapes.ts); decode them first.
const raw = loaded.map((row) => ({ text: decodeLiteralEscapes(row.text as string) }));
const labelFeature = raw.get('train').features.get('label');
if (!(labelFeature instanceof ClassLabel)) {
  throw new Error(`${opts.data}: column "label" is not a ClassLabel (got ${String(labelFeature)})`);
}
const labelNames = labelFeature.names;
const id2label = Object.fromEntries(labelNames.map((name, i) => [i, name]));
const label2id = Object.fromEntries(labelNames.map((name, i) => [name, i]));
console.log(`labels: ${labelNames.map((n, i) => `${i}=${n}`).join(', ')}`);

/** The first `n` rows after a seeded shuffle (all rows when `n` is at least the size). */
function subset<T extends Dataset>(ds: T, n: number): T {
  return (
    n >= ds.numRows ? ds : ds.shuffle({ seed: 42 }).select(Array.from({ length: n }, (_, i) => i))
  ) as T;
}
const trainRows = subset(raw.get('train'), smoke ? 32 : positiveInt('train-size', opts['train-size'], 1839));
const validationRows = subset(raw.get('validation'), smoke ? 16 : Number.POSITIVE_INFINITY);
const testRows = subset(raw.get('test'), smoke ? 16 : Number.POSITIVE_INFINITY);

// 2. Tokenize (Python: `tokenizer(batch["text"], truncation=True)`); padding is left to the collator.
const tokenizer = await Tokenizer.fromPretrained(opts.model ?? opts.tokenizer);
const hiddenSize = positiveInt('hidden-size', opts['hidden-size'], 64);
// 0.3 rather than BERT's 0.1: 1,839 tweets are few for a model from scratch, and it overfits by epoch 3 at 0.1.
const dropout = nonNegativeNumber('dropout', opts.dropout, 0.3);
const smallConfig = new BertConfig({
  vocabSize: tokenizer.vocabSize,
  hiddenSize,
  numHiddenLayers: positiveInt('layers', opts.layers, 2),
  numAttentionHeads: 4,
  intermediateSize: 4 * hiddenSize,
  hiddenDropoutProb: dropout,
  attentionProbsDropoutProb: dropout,
  maxPositionEmbeddings: 128,
  id2label,
  label2id,
});
// A pretrained checkpoint when --model is given; otherwise the small BERT above, from scratch.
const model = opts.model
  ? await AutoModelForSequenceClassification.fromPretrained(opts.model, { id2label, label2id })
  : AutoModelForSequenceClassification.fromConfig(smallConfig, { seed: 42 });
const maxLength = Math.min(tokenizer.modelMaxLength, model.config.maxPositionEmbeddings);
const tokenize = (batch: Record<string, unknown[]>) => {
  const encoded = tokenizer.encodeBatch(batch.text as string[], { truncation: true, maxLength });
  return {
    input_ids: encoded.inputIds,
    token_type_ids: encoded.tokenTypeIds,
    attention_mask: encoded.attentionMask,
  };
};
const encode = (ds: Dataset) => ds.map(tokenize, { batched: true, removeColumns: ['text'] });
const train = encode(trainRows);
const validation = encode(validationRows);
const test = encode(testRows);
console.log(
  `train ${train.numRows}, validation ${validation.numRows}, test ${test.numRows} rows; columns ${train.columnNames.join(', ')}`,
);
const first = tokenizer.encode(trainRows.get(0).text as string, { truncation: true, maxLength });
console.log(`first tweet → ${first.inputIds.length} tokens: ${first.tokens().slice(0, 12).join(' ')} …`);

// 3. Train with accuracy + weighted F1 (Python: accuracy_score, f1_score(average="weighted")).
const computeMetrics = ({ predictions, labelIds }: EvalPrediction) => {
  const [n, c] = predictions.shape as [number, number];
  const preds = argmaxRows(predictions.data, n, c);
  const labels = Array.from(labelIds!.data);
  return {
    accuracy: accuracyScore(labels, preds),
    f1: f1Score(labels, preds, { average: 'weighted' }) as number,
  };
};
const batchSize = positiveInt('batch-size', opts['batch-size'], smoke ? 16 : 32);
const epochs = smoke ? 1 : positiveInt('epochs', opts.epochs, 6);
const learningRate = Number(opts['learning-rate'] ?? (opts.model ? 2e-5 : 2e-3));
const trainer = new Trainer({
  model,
  args: new TrainingArguments({
    outputDir,
    overwriteOutputDir: true,
    numTrainEpochs: epochs,
    learningRate,
    perDeviceTrainBatchSize: batchSize,
    perDeviceEvalBatchSize: 64,
    weightDecay: nonNegativeNumber('weight-decay', opts['weight-decay'], 0.01),
    warmupRatio: nonNegativeNumber('warmup-ratio', opts['warmup-ratio'], 0.1),
    evalStrategy: 'epoch',
    // Keep the epoch with the best validation accuracy (the test split stays unseen until predict).
    saveStrategy: 'epoch',
    saveTotalLimit: 1,
    loadBestModelAtEnd: true,
    metricForBestModel: 'accuracy',
    loggingSteps: smoke ? 1 : Math.max(1, Math.floor(train.numRows / batchSize)),
    seed: 42,
  }),
  trainDataset: train,
  evalDataset: validation,
  dataCollator: new DataCollatorWithPadding({ padTokenId: tokenizer.padTokenId }).collateFn,
  processingClass: tokenizer,
  computeMetrics,
});
await trainer.train();
const evalMetrics = await trainer.evaluate();
console.log('validation', evalMetrics);

// 4. Predict on the test split; normalized confusion matrix as an SVG image.
const testOutput = await trainer.predict(test);
console.log('test', testOutput.metrics);
const [nTest, numClasses] = testOutput.predictions.shape as [number, number];
const testPreds = argmaxRows(testOutput.predictions.data, nTest, numClasses);
const testLabels = Array.from(testOutput.labelIds!.data);
const cm = confusionMatrix(testLabels, testPreds, {
  labels: Array.from({ length: numClasses }, (_, i) => i),
  normalize: 'true',
});
console.log('normalized confusion matrix (test; rows = true, columns = predicted):');
console.log(`${''.padEnd(10)}${labelNames.map((l) => l.padStart(10)).join('')}`);
cm.forEach((row, i) => {
  console.log(`${labelNames[i]!.padEnd(10)}${row.map((v) => v.toFixed(2).padStart(10)).join('')}`);
});
await mkdir(outputDir, { recursive: true });
const svgPath = resolve(outputDir, 'confusion-matrix-test.svg');
await writeFile(
  svgPath,
  confusionMatrixSvg(cm, labelNames, {
    title: 'Normalized confusion matrix (test)',
    digits: 2,
    colorRange: [0, 1],
  }),
);

// 5. Save, reload, and check that the reloaded model gives the same logits.
const finalDir = resolve(outputDir, 'final');
await trainer.saveModel(finalDir);
await tokenizer.savePretrained(finalDir);
const reloaded = await AutoModelForSequenceClassification.fromPretrained(finalDir);
const collate = new DataCollatorWithPadding({ padTokenId: tokenizer.padTokenId }).collateFn;
const sampleSize = Math.min(16, validation.numRows);
// The collator's batch goes into the model as it is (Python's keys, host tensors); no labels: no loss.
const { labels: _labels, ...sampleInputs } = collate(
  Array.from({ length: sampleSize }, (_, i) => validation.get(i)),
);
const before = model.forward(sampleInputs);
const after = reloaded.forward(sampleInputs, { outputHiddenStates: true });
const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(before.logits, after.logits))).dataSync()[0]!);
console.log(`reloaded from ${finalDir}: max |logits difference| on ${sampleSize} examples = ${maxDiff}`);
if (!(maxDiff <= 1e-6)) throw new Error(`reloaded model's logits differ by ${maxDiff} (expected ≤ 1e-6)`);

// 6. [CLS] features: last hidden state at position 0 (Python: `last_hidden_state[:, 0]`),
// from the bare encoder (AutoModel) and, as a cross-check, the head's `hiddenStates`.
const encoder = await AutoModel.fromPretrained(finalDir);
const clsOf = (ds: Dataset, n: number): tf.Tensor2D => {
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < n; start += 64) {
    const rows = Array.from({ length: Math.min(64, n - start) }, (_, i) => ds.get(start + i));
    const { labels: _l, ...inputs } = collate(rows);
    const out = encoder.forward(inputs);
    parts.push(
      tf.tidy(() => tf.squeeze(tf.slice(out.lastHiddenState, [0, 0, 0], [-1, 1, -1]), [1]) as tf.Tensor2D),
    );
    tf.dispose(out as unknown as tf.TensorContainer);
  }
  const all = tf.concat(parts);
  tf.dispose(parts);
  return all;
};
const trainFeatures = clsOf(train, Math.min(train.numRows, 512));
const validationFeatures = clsOf(validation, validation.numRows);
const headCls = tf.tidy(() => {
  const last = after.hiddenStates![after.hiddenStates!.length - 1]!;
  return tf.squeeze(tf.slice(last, [0, 0, 0], [-1, 1, -1]), [1]);
});
const clsDiff = tf.tidy(
  () =>
    tf.max(tf.abs(tf.sub(headCls, tf.slice(validationFeatures, [0, 0], [sampleSize, -1])))).dataSync()[0]!,
);
console.log(
  `[CLS] features: train ${trainFeatures.shape.join(' × ')}, validation ${validationFeatures.shape.join(' × ')};` +
    ` AutoModel vs head hiddenStates differ by ${clsDiff}`,
);
console.log(
  `  first validation [CLS] vector (first 6 of ${validationFeatures.shape[1]}): ${Array.from(
    tf.tidy(() => tf.slice(validationFeatures, [0, 0], [1, 6]).dataSync()),
  )
    .map((v) => v.toFixed(4))
    .join(', ')}`,
);
// The book trains a LogisticRegression on these features; a nearest-class-mean classifier
// shows the same thing without a solver: do the features separate the classes better than
// chance (the book's DummyClassifier baseline; 1/3 here, the splits are balanced)?
const trainLabelIds = Array.from({ length: trainFeatures.shape[0] }, (_, i) => train.get(i).label as number);
const validationLabelIds = Array.from(
  { length: validation.numRows },
  (_, i) => validation.get(i).label as number,
);
const centroidPreds = tf.tidy(() => {
  const y = tf.cast(tf.oneHot(tf.tensor1d(trainLabelIds, 'int32'), numClasses), 'float32'); // [N, C]
  const sums = tf.matMul(y, trainFeatures, true, false); // [C, H]
  const means = tf.div(sums, tf.maximum(tf.expandDims(tf.sum(y, 0), 1), 1));
  // Squared distance up to a per-row constant: |m|² - 2 x·m.
  const scores = tf.sub(
    tf.expandDims(tf.sum(tf.square(means), 1), 0),
    tf.mul(2, tf.matMul(validationFeatures, means, false, true)),
  );
  return Array.from(tf.argMin(scores, 1).dataSync());
});
console.log(
  `  nearest class mean on [CLS] features: validation accuracy ${accuracyScore(validationLabelIds, centroidPreds).toFixed(3)} (chance 0.333)`,
);
tf.dispose([
  trainFeatures,
  validationFeatures,
  headCls,
  before as unknown as tf.TensorContainer,
  after as unknown as tf.TensorContainer,
]);
encoder.dispose();
reloaded.dispose();

// 7. Inference on the guide's two sentences with the text-classification pipeline.
const classify = await pipeline('text-classification', { model: finalDir, truncation: true });
const sentences = [
  ['this week is not going as i had hoped', 'negative'],
  ['awe i love you too!!!! 1 am here i miss you', 'positive'],
] as const;
for (const [text, expected] of sentences) {
  const [best] = (await classify(text)) as { label: string; score: number }[];
  const all = (await classify(text, { topK: null })) as { label: string; score: number }[];
  console.log(
    `"${text}" → ${best!.label} (${best!.score.toFixed(3)}); guide expects ${expected}; all: ${all
      .map((s) => `${s.label} ${s.score.toFixed(3)}`)
      .join(', ')}`,
  );
}
classify.dispose();

console.log(`model + tokenizer: ${finalDir}`);
console.log(`confusion matrix:  ${svgPath}`);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
