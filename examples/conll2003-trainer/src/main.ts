// CoNLL-2003 token classification with the Trainer, as in the Hugging Face course's
// chapter 7 walkthrough: load → tokenize and align (`all`) → collate → train with
// per-epoch seqeval → save → run the pipeline on the course's sentence.
//
// Offline default: a small BERT initialised from scratch with the bert-base-cased
// vocabulary from ../shared/data (pretrained weights cannot be downloaded here), trained
// on a subset of CoNLL-2003 so it finishes in minutes on 2 CPU cores.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Tokenizer, tokenizeAndAlignLabels } from '@ner/align';
import { DataCollatorForTokenClassification } from '@ner/collate';
import { CONLL2003_NER_NAMES, loadDataset } from '@ner/datasets';
import { AutoModelForTokenClassification, BertConfig, initBackend } from '@ner/models';
import { pipeline } from '@ner/pipeline';
import { computeSeqeval, predictionsToTags } from '@ner/seqeval';
import { Trainer, TrainingArguments } from '@ner/trainer';
import type { EvalPrediction } from '@ner/trainer';

const shared = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
// pnpm 10 forwards `start -- --flag` with the literal `--` first; drop it so flags parse.
const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: resolve(shared, 'conll2003') },
    tokenizer: { type: 'string', default: resolve(shared, 'tokenizers', 'bert-base-cased') },
    output: { type: 'string', default: resolve(import.meta.dirname, '..', 'outputs') },
    'train-size': { type: 'string', default: '1000' },
    'eval-size': { type: 'string', default: '200' },
    epochs: { type: 'string', default: '2' },
    'learning-rate': { type: 'string' },
    smoke: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log(`Usage: pnpm --filter @ner-examples/conll2003-trainer start -- [options]
  --model <dir|hub id>     pretrained checkpoint (default: a small BERT from scratch)
  --data <dir|hub id>      CoNLL-2003 folder (default: ../shared/data/conll2003)
  --tokenizer <dir>        tokenizer when --model is not given (default: bert-base-cased vocab)
  --output <dir>           checkpoints and final/ (default: outputs/)
  --train-size <n>         training sentences (1000)      --eval-size <n>  validation sentences (200)
  --epochs <n>             (2)                             --learning-rate  (2e-3 from scratch, 2e-5 with --model)
  --smoke                  a few steps on a few sentences (CI)`);
  process.exit(0);
}
const smoke = opts.smoke;
const trainSize = smoke ? 48 : Number(opts['train-size']);
const evalSize = smoke ? 16 : Number(opts['eval-size']);
const epochs = smoke ? 1 : Number(opts.epochs);
const started = Date.now();

await initBackend();
if (!existsSync(opts.data)) throw new Error(`--data ${opts.data} does not exist`);
const raw = await loadDataset(opts.data);
console.log(raw.toString());
const labelNames = CONLL2003_NER_NAMES as readonly string[];
const id2label = Object.fromEntries(labelNames.map((name, i) => [i, name]));
const label2id = Object.fromEntries(labelNames.map((name, i) => [name, i]));

const tokenizer = await Tokenizer.fromPretrained(opts.model ?? opts.tokenizer);
const tokenize = tokenizeAndAlignLabels(tokenizer, { strategy: 'all', labelNames, maxLength: 128 });
const train = raw
  .get('train')
  .select(Array.from({ length: trainSize }, (_, i) => i))
  .map(tokenize, { batched: true, removeColumns: raw.get('train').columnNames });
const validation = raw
  .get('validation')
  .select(Array.from({ length: evalSize }, (_, i) => i))
  .map(tokenize, { batched: true, removeColumns: raw.get('validation').columnNames });
console.log(`train ${train.numRows} rows, validation ${validation.numRows} rows`);

// A pretrained checkpoint when --model is given (e.g. bert-base-cased on a machine with
// network); otherwise a small BERT from scratch, which needs a larger learning rate.
const model = opts.model
  ? await AutoModelForTokenClassification.fromPretrained(opts.model, { id2label, label2id })
  : AutoModelForTokenClassification.fromConfig(
      new BertConfig({
        vocabSize: tokenizer.vocabSize,
        hiddenSize: 64,
        numHiddenLayers: 2,
        numAttentionHeads: 4,
        intermediateSize: 128,
        maxPositionEmbeddings: 128,
        id2label,
        label2id,
      }),
      { seed: 42 },
    );
const learningRate = Number(opts['learning-rate'] ?? (opts.model ? 2e-5 : 2e-3));

const trainer = new Trainer({
  model,
  args: new TrainingArguments({
    outputDir: opts.output,
    overwriteOutputDir: true,
    evalStrategy: 'epoch',
    saveStrategy: 'epoch',
    saveTotalLimit: 1,
    learningRate,
    numTrainEpochs: epochs,
    weightDecay: 0.01,
    perDeviceTrainBatchSize: 16,
    perDeviceEvalBatchSize: 32,
    loggingSteps: smoke ? 1 : 25,
    seed: 42,
  }),
  trainDataset: train,
  evalDataset: validation,
  dataCollator: new DataCollatorForTokenClassification({ padTokenId: tokenizer.padTokenId }).collateFn,
  // The Trainer saves the tokenizer into each checkpoint through this object.
  processingClass: tokenizer,
  computeMetrics: ({ predictions, labelIds }: EvalPrediction) => {
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
  },
});
await trainer.train();
const metrics = await trainer.evaluate();
console.log('final evaluation', metrics);

const finalDir = resolve(opts.output, 'final');
await trainer.saveModel(finalDir);
await tokenizer.savePretrained(finalDir);
console.log(`model and tokenizer saved to ${finalDir}`);

const ner = await pipeline('token-classification', { model: finalDir, aggregationStrategy: 'simple' });
const sentence = 'My name is Sylvain and I work at Hugging Face in Brooklyn.';
console.log(sentence);
console.log(await ner(sentence));
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
