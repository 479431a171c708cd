// CoNLL-2003 token classification with the Trainer, as in the Hugging Face course's
// chapter 7 walkthrough: load → tokenize and align → collate → train with per-epoch seqeval →
// save → run the pipeline on the course's sentence.
//
// Offline default: a small BERT initialised from scratch (pretrained weights cannot be
// downloaded here) with bert-base-cased's WordPiece vocabulary cut down to the pieces the
// training text uses, trained on the full training set so that it learns in a few minutes on
// 2 CPU cores. `--model` fine-tunes a pretrained checkpoint instead.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Tokenizer, tokenizeAndAlignLabels } from '@ner/align';
import { DataCollatorForTokenClassification } from '@ner/collate';
import { CONLL2003_NER_NAMES, Dataset, Features, loadDataset } from '@ner/datasets';
import { AutoModelForTokenClassification, BertConfig, initBackend } from '@ner/models';
import { pipeline } from '@ner/pipeline';
import { TrainingArguments } from '@ner/trainer';
import { corpusTokenizer } from './corpus-vocab.js';
import { mentionReplacedCopies } from './mention-replacement.js';
import { seqevalMetrics } from './metrics.js';
import { parseJobOptions } from './options.js';
import { pretrainMaskedLM } from './pretrain.js';
import { printSummary } from './summary.js';
import { TokenDropoutTrainer } from './token-dropout.js';

const opts = parseJobOptions(process.argv.slice(2));
const started = Date.now();

await initBackend();
if (!existsSync(opts.data)) throw new Error(`--data ${opts.data} does not exist`);
const raw = await loadDataset(opts.data);
console.log(raw.toString());
const labelNames = CONLL2003_NER_NAMES as readonly string[];
const id2label = Object.fromEntries(labelNames.map((name, i) => [i, name]));
const label2id = Object.fromEntries(labelNames.map((name, i) => [name, i]));

const firstRows = (split: Dataset, size: number | undefined) =>
  size === undefined || size >= split.numRows
    ? split
    : split.select(Array.from({ length: size }, (_, i) => i));
const trainWords = firstRows(raw.get('train'), opts.trainSize);
const validationWords = firstRows(raw.get('validation'), opts.evalSize);

const baseTokenizer = await Tokenizer.fromPretrained(opts.model ?? opts.tokenizer);
// From scratch, the vocabulary is ours to choose: keep the pieces the training text uses.
const tokenizer =
  opts.model === undefined && opts.minPieceCount > 0
    ? corpusTokenizer(baseTokenizer, trainWords.column('tokens') as string[][], {
        minCount: opts.minPieceCount,
      })
    : baseTokenizer;
if (tokenizer !== baseTokenizer)
  console.log(
    `vocabulary: ${tokenizer.vocabSize} of ${baseTokenizer.vocabSize} word pieces (used >= ${opts.minPieceCount} times in the training text, and single characters)`,
  );
// Training labels follow --label-strategy; evaluation always scores words (each word's first
// sub-token), as CoNLL-2003 scores are defined, so every setting is compared on the same entities.
const tokenize = (strategy: 'all' | 'first') =>
  tokenizeAndAlignLabels(tokenizer, { strategy, labelNames, maxLength: 128 });
// --augment-copies: the training sentences plus copies with their entity mentions swapped for
// other mentions of the same type (src/mention-replacement.ts says why).
const augmentedWords = (() => {
  if (opts.augmentCopies === 0) return trainWords;
  const original = {
    tokens: trainWords.column('tokens') as string[][],
    tags: trainWords.column('ner_tags') as number[][],
  };
  const copies = mentionReplacedCopies(original, labelNames, {
    copies: opts.augmentCopies,
    rate: opts.augmentRate,
    seed: opts.seed,
    syntheticRate: opts.syntheticNames,
  });
  const features = new Features(
    ['tokens', 'ner_tags'].map((name) => [name, trainWords.features.get(name)!] as const),
  );
  return Dataset.fromColumns(
    { tokens: [...original.tokens, ...copies.tokens], ner_tags: [...original.tags, ...copies.tags] },
    { features },
  );
})();
const train = augmentedWords.map(tokenize(opts.labelStrategy), {
  batched: true,
  removeColumns: augmentedWords.columnNames,
});
const validationUnsorted = validationWords.map(tokenize('first'), {
  batched: true,
  removeColumns: validationWords.columnNames,
});
// Evaluation pads each batch to its longest sentence; in length order that is little padding.
// The scores do not depend on the order of the sentences.
const validationLengths = (validationUnsorted.column('input_ids') as number[][]).map((ids) => ids.length);
const validation = validationUnsorted.select(
  validationLengths.map((_, i) => i).sort((a, b) => validationLengths[a]! - validationLengths[b]!),
);
console.log(`train ${train.numRows} rows, validation ${validation.numRows} rows`);

// A pretrained checkpoint when --model is given (e.g. bert-base-cased on a machine with
// network); otherwise a small BERT from scratch, which needs a larger learning rate.
const scratchConfig = new BertConfig({
  vocabSize: tokenizer.vocabSize,
  hiddenSize: opts.hiddenSize,
  numHiddenLayers: opts.layers,
  numAttentionHeads: opts.heads,
  intermediateSize: opts.intermediateSize,
  hiddenDropoutProb: opts.dropout,
  attentionProbsDropoutProb: opts.dropout,
  maxPositionEmbeddings: 128,
  id2label,
  label2id,
});
// From scratch with --mlm-epochs: masked-LM pretraining on the training text first, then the
// token-classification model starts from that encoder (as from_pretrained on a checkpoint would).
const pretrained =
  opts.model === undefined && opts.mlmEpochs > 0
    ? await pretrainMaskedLM({
        tokenizer,
        dataset: train,
        config: scratchConfig,
        epochs: opts.mlmEpochs,
        learningRate: opts.learningRate,
        batchSize: opts.batchSize,
        outputDir: opts.output,
      })
    : null;
const startFrom = opts.model ?? pretrained?.dir;
const model = startFrom
  ? await AutoModelForTokenClassification.fromPretrained(startFrom, {
      id2label,
      label2id,
      // The new classifier is expected here; Python's long message would only alarm.
      ...(pretrained ? { logger: { warn: () => {} } } : {}),
    })
  : AutoModelForTokenClassification.fromConfig(scratchConfig, { seed: opts.seed });

const trainer = new TokenDropoutTrainer<Record<string, unknown>>(
  {
    model,
    args: new TrainingArguments({
      outputDir: opts.output,
      overwriteOutputDir: true,
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      saveTotalLimit: 1,
      learningRate: opts.learningRate,
      numTrainEpochs: opts.epochs,
      weightDecay: 0.01,
      warmupRatio: opts.warmupRatio,
      perDeviceTrainBatchSize: opts.batchSize,
      perDeviceEvalBatchSize: 64,
      // Batches of similar length waste less work on padding.
      groupByLength: true,
      loggingSteps: opts.smoke ? 1 : 100,
      seed: opts.seed,
      bf16: opts.bf16,
      ...(opts.tf32 !== undefined ? { tf32: opts.tf32 } : {}),
      gradientCheckpointing: opts.gradientCheckpointing,
      autoFindBatchSize: opts.autoFindBatchSize,
    }),
    trainDataset: train,
    evalDataset: validation,
    dataCollator: new DataCollatorForTokenClassification({ padTokenId: tokenizer.padTokenId }).collateFn,
    // The Trainer saves the tokenizer into each checkpoint through this object.
    processingClass: tokenizer,
    computeMetrics: seqevalMetrics(labelNames),
  },
  tokenizer,
  opts.tokenDropout,
);
const cpuBefore = process.cpuUsage();
const trainOutput = await trainer.train();
const cpu = process.cpuUsage(cpuBefore);
// The last epoch's evaluation is the final model's (no need to run it again).
const lastEval = trainer.state.logHistory.filter((entry) => 'eval_f1' in entry).at(-1);
const metrics = (lastEval ?? (await trainer.evaluate())) as Record<string, number>;

const finalDir = resolve(opts.output, 'final');
await trainer.saveModel(finalDir);
await tokenizer.savePretrained(finalDir);

// Words, not sub-tokens, as the evaluation: `first` aggregation labels each word with its first
// sub-token's prediction.
const aggregationStrategy = 'first';
const ner = await pipeline('token-classification', { model: finalDir, aggregationStrategy });
const sentence = 'My name is Sylvain and I work at Hugging Face in Brooklyn.';
const entities = await ner(sentence);
printSummary({
  metrics,
  trainRuntime: trainOutput.metrics.train_runtime,
  pretrainRuntime: pretrained?.seconds,
  trainCpuSeconds: (cpu.user + cpu.system) / 1e6,
  aggregationStrategy,
  finalDir,
  sentence,
  entities,
  seconds: (Date.now() - started) / 1000,
});
