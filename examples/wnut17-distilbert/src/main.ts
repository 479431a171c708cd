// WNUT-17 with DistilBERT, as in the Hugging Face docs' token classification task guide:
// load → tokenize and align (`first`: only a word's first sub-token is labelled) →
// collate → Trainer with per-epoch seqeval, saving every epoch and loading the best
// checkpoint at the end → manual inference (argmax per token) → the "ner" pipeline.
//
// Offline default: a small DistilBERT initialised from scratch with the bert-base-uncased
// vocabulary from ../shared/data (the same vocab as distilbert-base-uncased; pretrained
// weights cannot be downloaded here). From scratch, a class-weighted loss (a computeLoss
// override, weighted-loss-trainer.ts) is what makes it predict entities at all (README);
// --min-token-count lets rare sub-tokens share [UNK]'s vector (rare-tokens.ts), off by default.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Tokenizer, tokenizeAndAlignLabels } from '@ner/align';
import { DataCollatorForTokenClassification } from '@ner/collate';
import { ClassLabel, concatenateDatasets, loadDataset, Sequence, WNUT17_NER_NAMES } from '@ner/datasets';
import { AutoModelForTokenClassification, DistilBertConfig, initBackend } from '@ner/models';
import { pipeline } from '@ner/pipeline';
import { computeSeqeval, predictionsToTags } from '@ner/seqeval';
import type { EvalPrediction } from '@ner/trainer';
import { TrainingArguments } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { balancedClassWeights, countLabels } from './class-weights.js';
import { parseWnutOptions } from './options.js';
import { countTokenIds, rareTokenIds, replaceRareTokens, shareUnkEmbedding } from './rare-tokens.js';
import { WeightedLossTrainer } from './weighted-loss-trainer.js';

const shared = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
const opts = parseWnutOptions(process.argv.slice(2), shared, resolve(import.meta.dirname, '..'));
const started = Date.now();

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
        dim: opts.dim,
        nLayers: opts.layers,
        nHeads: 4,
        hiddenDim: 2 * opts.dim,
        dropout: opts.dropout,
        attentionDropout: opts.dropout,
        maxPositionEmbeddings: scratchMaxPositions,
        id2label,
        label2id,
      }),
      { seed: 42 },
    );

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
// The guide evaluates on "test" every epoch and keeps the best epoch, which picks the model on
// the data it is then scored on. Here "validation" picks the epoch and "test" is scored once.
const rawTrain = prepare('train', opts.trainSize);
const rawValidation = prepare('validation', opts.validationSize);
const rawTest = prepare('test', opts.testSize);

// Sub-tokens seen fewer than --min-token-count times in training share [UNK]'s vector (0: off).
const specialIds = new Set([
  tokenizer.clsTokenId,
  tokenizer.sepTokenId,
  tokenizer.padTokenId,
  tokenizer.unkTokenId,
]);
const rare = rareTokenIds(
  countTokenIds(rawTrain as Iterable<{ input_ids: number[] }>, tokenizer.vocabSize),
  opts.minTokenCount,
  specialIds,
);
const toUnk = replaceRareTokens(rare, tokenizer.unkTokenId);
const withUnk = <T extends typeof rawTrain>(ds: T) => (rare.size > 0 ? ds.map(toUnk, { batched: true }) : ds);
const validation = withUnk(rawValidation);
// --train-splits train,validation (the from-scratch default): more data; the epoch count is then fixed.
const train = opts.addValidationToTrain
  ? concatenateDatasets([withUnk(rawTrain), validation])
  : withUnk(rawTrain);
console.log(
  `train ${train.numRows}, validation ${validation.numRows}, test ${rawTest.numRows} rows; columns ${train.columnNames.join(', ')}`,
);
if (rare.size > 0)
  console.log(
    `${rare.size} of ${tokenizer.vocabSize} sub-tokens seen < ${opts.minTokenCount} times in train share [UNK]`,
  );

// Class weights from the training labels (power 0: all ones, the guide's plain cross-entropy).
const classWeights = balancedClassWeights(
  countLabels(train as Iterable<{ labels: number[] }>, labelList.length),
  opts.classWeightPower,
);
console.log(
  `class weights (balanced^${opts.classWeightPower}): ${labelList.map((l, i) => `${l} ${classWeights[i]!.toFixed(2)}`).join(', ')}`,
);

const trainer = new WeightedLossTrainer(
  {
    model,
    args: new TrainingArguments({
      outputDir: opts.output,
      overwriteOutputDir: true,
      learningRate: opts.learningRate,
      warmupRatio: opts.warmupRatio,
      perDeviceTrainBatchSize: opts.batchSize,
      perDeviceEvalBatchSize: 16,
      numTrainEpochs: opts.epochs,
      weightDecay: 0.01,
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      loadBestModelAtEnd: !opts.addValidationToTrain,
      // The guide's default (eval_loss) would follow the class-weighted loss; F1 is the goal.
      metricForBestModel: 'f1',
      loggingSteps: opts.smoke ? 1 : 50,
      seed: 42,
      // push_to_hub=True: the repo is created now and every epoch's save is pushed in the background.
      ...(opts.pushToHub !== undefined ? { pushToHub: true, hubModelId: opts.pushToHub } : {}),
    }),
    trainDataset: train,
    evalDataset: validation,
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
// The saved model must do on raw text what training did with [UNK] in place of rare ids.
if (rare.size > 0) {
  const name = [...model.parameters.keys()].find((key) => key.endsWith('embeddings.word_embeddings.weight'));
  if (name === undefined)
    throw new Error('the model has no embeddings.word_embeddings.weight to share [UNK] into');
  shareUnkEmbedding(model.parameters.get(name)!, rare, tokenizer.unkTokenId);
}

const evals = trainer.state.logHistory.filter((entry) => entry.eval_loss !== undefined);
console.log('validation:\nepoch  eval_loss  precision  recall  f1     accuracy');
for (const e of evals)
  console.log(
    `${e.epoch!.toFixed(0).padEnd(6)} ${e.eval_loss!.toFixed(4).padEnd(10)} ${e.eval_precision!.toFixed(3).padEnd(10)} ${e.eval_recall!.toFixed(3).padEnd(7)} ${e.eval_f1!.toFixed(3).padEnd(6)} ${e.eval_accuracy!.toFixed(3)}`,
  );
console.log(
  opts.addValidationToTrain
    ? 'validation was trained on (--train-splits train,validation): the scores above are not held out; the last epoch is kept'
    : `best checkpoint (validation f1 ${trainer.state.bestMetric?.toFixed(3)}), loaded at the end: ${trainer.state.bestModelCheckpoint}`,
);
console.log(
  `train_runtime ${trained.metrics.train_runtime} s, train_loss ${trained.trainingLoss.toFixed(4)}`,
);
// Raw test rows (rare ids not replaced): what the pipeline sees; rare rows now hold [UNK]'s vector.
const testMetrics = (await trainer.predict(rawTest)).metrics;
console.log(
  `test (${rawTest.numRows} sentences): precision ${testMetrics.test_precision?.toFixed(4)}, recall ${testMetrics.test_recall?.toFixed(4)}, f1 ${testMetrics.test_f1?.toFixed(4)}, accuracy ${testMetrics.test_accuracy?.toFixed(3)}`,
);

const finalDir = resolve(opts.output, 'final');
await trainer.saveModel(finalDir);
console.log(`best model and tokenizer saved to ${finalDir}`);
// trainer.push_to_hub(): saves the model (with its card) into the output folder and uploads it.
if (opts.pushToHub !== undefined) {
  const commit = await trainer.pushToHub({ datasetTags: 'wnut_17', language: 'en', license: 'apache-2.0' });
  console.log(`pushed to ${trainer.hub.repoId}: ${commit?.commitUrl}`);
}
trainer.dispose();

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
const entities = await classifier(text);
console.log(entities);
// As the guide ends: the pushed model by its Hub id, downloaded into the cache, predicts the same.
if (opts.pushToHub !== undefined) {
  const fromHub = await pipeline('ner', { model: trainer.hub.repoId! });
  const same = JSON.stringify(await fromHub(text)) === JSON.stringify(entities);
  console.log(
    `pipeline('ner', { model: '${trainer.hub.repoId}' }) from the Hub: ${same ? 'same' : 'DIFFERENT'} entities`,
  );
  if (!same) process.exitCode = 1;
}
console.log(`outputs: checkpoints under ${opts.output}, best model in ${finalDir}`);
console.log(
  `test f1 ${testMetrics.test_f1?.toFixed(3)}; done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
