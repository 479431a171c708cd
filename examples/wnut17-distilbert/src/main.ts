// WNUT-17 with DistilBERT, as in the Hugging Face docs' token classification task guide:
// load → tokenize and align (`first`: only a word's first sub-token is labelled) →
// collate → Trainer with per-epoch seqeval, saving every epoch and loading the best
// checkpoint at the end → manual inference (argmax per token) → the "ner" pipeline.
//
// Offline default: a small DistilBERT initialised from scratch with the bert-base-uncased
// vocabulary from ../shared/data (the same vocab as distilbert-base-uncased; pretrained
// weights cannot be downloaded here), so it finishes in minutes on 2 CPU cores.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Tokenizer, tokenizeAndAlignLabels } from '@ner/align';
import { DataCollatorForTokenClassification } from '@ner/collate';
import { ClassLabel, loadDataset, Sequence, WNUT17_NER_NAMES } from '@ner/datasets';
import { AutoModelForTokenClassification, DistilBertConfig, initBackend } from '@ner/models';
import { pipeline } from '@ner/pipeline';
import { computeSeqeval, predictionsToTags } from '@ner/seqeval';
import { TrainingArguments } from '@ner/trainer';
import type { EvalPrediction } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { balancedClassWeights, countLabels } from './class-weights.js';
import { countTokenIds, rareTokenIds, replaceRareTokens, shareUnkEmbedding } from './rare-tokens.js';
import { WeightedLossTrainer } from './weighted-loss-trainer.js';

const shared = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
// pnpm 10 forwards `start -- --flag` with the literal `--` first; drop it so flags parse.
const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: resolve(shared, 'wnut17') },
    tokenizer: { type: 'string', default: resolve(shared, 'tokenizers', 'bert-base-uncased') },
    output: { type: 'string', default: resolve(import.meta.dirname, '..', 'outputs') },
    'train-size': { type: 'string', default: '1500' },
    'eval-size': { type: 'string', default: '300' },
    epochs: { type: 'string', default: '2' },
    'learning-rate': { type: 'string' },
    'class-weight-power': { type: 'string' },
    'min-token-count': { type: 'string' },
    dropout: { type: 'string' },
    'warmup-ratio': { type: 'string' },
    dim: { type: 'string', default: '64' },
    layers: { type: 'string', default: '2' },
    'batch-size': { type: 'string', default: '16' },
    'group-by-length': { type: 'boolean', default: false },
    'metric-for-best-model': { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
});
const smoke = opts.smoke;
// Smoke keeps 2 epochs so loadBestModelAtEnd has two checkpoints to choose from.
const epochs = smoke ? 2 : positiveInt(opts.epochs, '--epochs');
const started = Date.now();

function nonNegativeNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number >= 0, got '${value}'`);
  return n;
}

function positiveInt(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got '${value}'`);
  return n;
}

await initBackend();
if (!existsSync(opts.data)) throw new Error(`--data ${opts.data} does not exist`);
const wnut = await loadDataset(opts.data);
console.log(wnut.toString());

// label_list = wnut["train"].features["ner_tags"].feature.names
const nerTags = wnut.get('train').features.get('ner_tags');
const classLabel = nerTags instanceof Sequence ? nerTags.feature : undefined;
if (!(classLabel instanceof ClassLabel))
  throw new Error(`${opts.data}: 'ner_tags' is not a Sequence(ClassLabel)`);
const labelList = classLabel.names;
if (labelList.join() !== WNUT17_NER_NAMES.join())
  console.warn(`note: label order differs from Hub wnut_17: ${labelList.join(', ')}`);
const id2label = Object.fromEntries(labelList.map((name, i) => [i, name]));
const label2id = Object.fromEntries(labelList.map((name, i) => [name, i]));

// A pretrained checkpoint when --model is given (e.g. distilbert/distilbert-base-uncased
// on a machine with network); otherwise a small DistilBERT from scratch.
const tokenizer = await Tokenizer.fromPretrained(opts.model ?? opts.tokenizer);
const scratchMaxPositions = 128;
const model = opts.model
  ? await AutoModelForTokenClassification.fromPretrained(opts.model, { id2label, label2id })
  : AutoModelForTokenClassification.fromConfig(
      new DistilBertConfig({
        vocabSize: tokenizer.vocabSize,
        dim: positiveInt(opts.dim, '--dim'),
        nLayers: positiveInt(opts.layers, '--layers'),
        nHeads: 4,
        hiddenDim: 2 * positiveInt(opts.dim, '--dim'),
        ...(opts.dropout !== undefined
          ? {
              dropout: nonNegativeNumber(opts.dropout, '--dropout'),
              attentionDropout: nonNegativeNumber(opts.dropout, '--dropout'),
            }
          : {}),
        maxPositionEmbeddings: scratchMaxPositions,
        id2label,
        label2id,
      }),
      { seed: 42 },
    );
// From scratch nothing is there to preserve, so the guide's 2e-5 would barely move it.
const learningRate = Number(opts['learning-rate'] ?? (opts.model ? 2e-5 : 3e-3));

// truncation=True: to the tokenizer's limit (DistilBERT: 512), or the small model's positions.
const tokenize = tokenizeAndAlignLabels(tokenizer, {
  strategy: 'first',
  labelNames: labelList,
  maxLength: opts.model ? tokenizer.modelMaxLength : scratchMaxPositions,
});
function prepare(split: string, size: number) {
  const ds = wnut.get(split);
  const n = Math.min(size, ds.numRows);
  return (
    ds
      .select(Array.from({ length: n }, (_, i) => i))
      .map(tokenize, { batched: true, removeColumns: ds.columnNames })
      // DistilBERT's tokenizer gives no token_type_ids (model_input_names = input_ids, attention_mask).
      .removeColumns('token_type_ids')
  );
}
// The guide trains on "train" and evaluates on "test".
const rawTrain = prepare('train', smoke ? 32 : positiveInt(opts['train-size'], '--train-size'));
const rawTest = prepare('test', smoke ? 16 : positiveInt(opts['eval-size'], '--eval-size'));
// From scratch, sub-tokens seen fewer than --min-token-count times in training share [UNK]'s
// vector (see rare-tokens.ts); a pretrained model has learned vectors for them already.
const minTokenCount = Number(opts['min-token-count'] ?? (opts.model ? '0' : '2'));
if (!Number.isInteger(minTokenCount) || minTokenCount < 0)
  throw new Error(`--min-token-count must be an integer >= 0, got '${opts['min-token-count']}'`);
const specialIds = new Set([
  tokenizer.clsTokenId,
  tokenizer.sepTokenId,
  tokenizer.padTokenId,
  tokenizer.unkTokenId,
]);
const rare = rareTokenIds(
  countTokenIds(rawTrain as Iterable<{ input_ids: number[] }>, tokenizer.vocabSize),
  minTokenCount,
  specialIds,
);
const toUnk = replaceRareTokens(rare, tokenizer.unkTokenId);
const train = minTokenCount > 0 ? rawTrain.map(toUnk, { batched: true }) : rawTrain;
const test = minTokenCount > 0 ? rawTest.map(toUnk, { batched: true }) : rawTest;
if (minTokenCount > 0)
  console.log(
    `${rare.size} of ${tokenizer.vocabSize} sub-tokens seen < ${minTokenCount} times in train share [UNK]`,
  );
console.log(
  `train ${train.numRows} rows, test (eval) ${test.numRows} rows, columns ${train.columnNames.join(', ')}`,
);

const classWeightPower = nonNegativeNumber(
  opts['class-weight-power'] ?? (opts.model ? '0' : '0'),
  '--class-weight-power',
);
const counts = countLabels(train as Iterable<{ labels: number[] }>, labelList.length);
const classWeights = balancedClassWeights(counts, classWeightPower);
console.log(
  `class weights (power ${classWeightPower}): ${labelList.map((l, i) => `${l} ${classWeights[i]!.toFixed(2)}`).join(', ')}`,
);
const batchSize = positiveInt(opts['batch-size'], '--batch-size');
const trainer = new WeightedLossTrainer(
  {
    model,
    args: new TrainingArguments({
      outputDir: opts.output,
      overwriteOutputDir: true,
      learningRate,
      perDeviceTrainBatchSize: batchSize,
      warmupRatio: nonNegativeNumber(opts['warmup-ratio'] ?? '0', '--warmup-ratio'),
      groupByLength: opts['group-by-length'],
      ...(opts['metric-for-best-model'] ? { metricForBestModel: opts['metric-for-best-model'] } : {}),
      perDeviceEvalBatchSize: 16,
      numTrainEpochs: epochs,
      weightDecay: 0.01,
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      loadBestModelAtEnd: true,
      loggingSteps: smoke ? 1 : 25,
      seed: 42,
    }),
    trainDataset: train,
    evalDataset: test,
    dataCollator: new DataCollatorForTokenClassification({ padTokenId: tokenizer.padTokenId }).collateFn,
    // processing_class=tokenizer: the Trainer saves the tokenizer into each checkpoint.
    processingClass: tokenizer,
    computeMetrics: ({ predictions, labelIds }: EvalPrediction) => {
      const { yTrue, yPred } = predictionsToTags(predictions, labelIds!, labelList);
      const results = computeSeqeval(yPred, yTrue);
      return {
        precision: results.overall_precision,
        recall: results.overall_recall,
        f1: results.overall_f1,
        accuracy: results.overall_accuracy,
      };
    },
  },
  classWeights,
);
const trained = await trainer.train();
if (minTokenCount > 0) {
  const name = [...model.parameters.keys()].find((key) => key.endsWith('embeddings.word_embeddings.weight'));
  if (name === undefined)
    throw new Error('the model has no embeddings.word_embeddings.weight to share [UNK] into');
  shareUnkEmbedding(model.parameters.get(name)!, rare, tokenizer.unkTokenId);
}

const evals = trainer.state.logHistory.filter((entry) => entry.eval_loss !== undefined);
console.log('epoch  eval_loss  precision  recall  f1     accuracy');
for (const e of evals)
  console.log(
    `${e.epoch!.toFixed(0).padEnd(6)} ${e.eval_loss!.toFixed(4).padEnd(10)} ${e.eval_precision!.toFixed(3).padEnd(10)} ${e.eval_recall!.toFixed(3).padEnd(7)} ${e.eval_f1!.toFixed(3).padEnd(6)} ${e.eval_accuracy!.toFixed(3)}`,
  );
// load_best_model_at_end with the default metric_for_best_model: the lowest eval_loss.
console.log(
  `best checkpoint (lowest eval_loss ${trainer.state.bestMetric?.toFixed(4)}), loaded at the end: ${trainer.state.bestModelCheckpoint}`,
);
console.log(
  `train_runtime ${trained.metrics.train_runtime} s, train_loss ${trained.trainingLoss.toFixed(4)}`,
);
// The model in memory is now the best checkpoint's: evaluating it again gives that epoch's scores.
// Rare ids now share [UNK]'s vector, so the raw test rows (what the pipeline sees) score the same.
const reloaded = await trainer.evaluate(rawTest);
console.log(
  `evaluation of the loaded model: eval_loss ${reloaded.eval_loss?.toFixed(4)}, eval_f1 ${reloaded.eval_f1?.toFixed(3)}`,
);

const finalDir = resolve(opts.output, 'final');
await trainer.saveModel(finalDir);
console.log(`best model and tokenizer saved to ${finalDir}`);

const text = 'The Golden State Warriors are an American professional basketball team based in San Francisco.';
console.log(text);

// Manual inference, as the guide: tokenize, logits, argmax over labels, id2label.
const inputs = tokenizer.encode(text);
const logits = model.forward({ input_ids: [inputs.inputIds], attention_mask: [inputs.attentionMask] }).logits;
const predictions = tf.tidy(() => tf.argMax(logits, 2));
const predictedIds = (await predictions.array()) as number[][];
tf.dispose([logits, predictions]);
const predictedTokenClass = predictedIds[0]!.map((id) => model.config.id2label[id] ?? String(id));
console.log('predicted_token_class:');
const tokens = inputs.tokens();
for (const [i, label] of predictedTokenClass.entries()) console.log(`  ${tokens[i]!.padEnd(14)} ${label}`);

// classifier = pipeline("ner", model=...): no aggregation, one entry per non-O token.
const classifier = await pipeline('ner', { model: finalDir });
console.log(await classifier(text));
console.log(`outputs: checkpoints under ${opts.output}, best model in ${finalDir}`);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
