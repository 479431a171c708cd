// The code of docs/ja/tutorial.md, step by step; its printed output is what the tutorial shows.
// Run from the repository root after a build:
//   npx -y pnpm@10.34.8 build && npx -y pnpm@10.34.8 --filter @ner-docs/ja-snippets start
// Reads CoNLL-2003 and the bert-base-cased vocabulary from ../shared/data (never copied here).
import '@tensorflow/tfjs-backend-cpu';
import { resolve } from 'node:path';
import { alignLabelsWithTokens, Tokenizer, tokenizeAndAlignLabels } from '@ner/align';
import { DataCollatorForTokenClassification, HostTensor } from '@ner/collate';
import { type ClassLabel, formatWordsWithLabels, loadDataset, type Sequence } from '@ner/datasets';
import { AutoModelForTokenClassification, BertConfig } from '@ner/models';
import { computeSeqeval, predictionsToTags } from '@ner/seqeval';
import { TrainingArguments } from '@ner/trainer';

const shared = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
const step = (title: string) => console.log(`\n=== ${title}`);
/** Prints values on one line the way Python's repr does (lists, 'strings', dicts), for side-by-side reading. */
const py = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'None';
  if (typeof value === 'object')
    return `{${Object.entries(value as object)
      .map(([k, v]) => `${py(k)}: ${py(v)}`)
      .join(', ')}}`;
  return String(value);
};
const show = (value: unknown) => console.log(py(value));

step('1. loadDataset');
const rawDatasets = await loadDataset(resolve(shared, 'conll2003'));
console.log(String(rawDatasets));

step('2. the first training example');
const first = rawDatasets.get('train').get(0) as { tokens: string[]; ner_tags: number[] };
show(first.tokens);
show(first.ner_tags);

step('3. ner_tags feature and label names');
const nerFeature = rawDatasets.get('train').features.get('ner_tags') as Sequence;
console.log(String(nerFeature));
const labelNames = (nerFeature.feature as ClassLabel).names;
show(labelNames);
console.log(formatWordsWithLabels(first.tokens, first.ner_tags, nerFeature.feature as ClassLabel));

step('4. tokenizer on pre-split words');
const tokenizer = await Tokenizer.fromPretrained(resolve(shared, 'tokenizers', 'bert-base-cased'));
const inputs = tokenizer.encode(first.tokens, { isSplitIntoWords: true });
show(inputs.tokens());

step('5. word ids');
show(inputs.wordIds());

step('6. aligned labels (all strategy, B- to I- on continuation pieces)');
const wordIds = inputs.wordIds();
show(first.ner_tags);
show(alignLabelsWithTokens(first.ner_tags, wordIds, { strategy: 'all', labelNames }));
show(alignLabelsWithTokens(first.ner_tags, wordIds, { strategy: 'first' }));

step('7. tokenizeAndAlignLabels over the whole DatasetDict');
const tokenizedDatasets = rawDatasets.map(tokenizeAndAlignLabels(tokenizer, { labelNames }), {
  batched: true,
  removeColumns: rawDatasets.get('train').columnNames,
});
console.log(String(tokenizedDatasets));

step('8. DataCollatorForTokenClassification');
const dataCollator = new DataCollatorForTokenClassification({ tokenizer });
const rows = [0, 1].map((i) => tokenizedDatasets.get('train').get(i));
const batch = dataCollator.collate(rows);
show(batch.labels?.toArray());
for (const row of rows) show(row.labels);

step('9. seqeval on the course toy example');
const labels = first.ner_tags.map((i) => labelNames[i]!);
const predictions = [...labels];
predictions[2] = 'O';
show(labels);
show(computeSeqeval([predictions], [labels]));

step('10. computeMetrics on fake logits (argmax, drop -100)');
// Logits that put all mass on the right label, except word 2 ("German") predicted O.
const aligned = batch.labels!;
const [n, t] = aligned.shape as [number, number];
const logits = new Float32Array(n * t * labelNames.length);
for (let i = 0; i < n * t; i++) {
  const gold = aligned.data[i]!;
  logits[i * labelNames.length + (gold === -100 || i === 3 ? 0 : gold)] = 1;
}
const { yTrue, yPred } = predictionsToTags(
  new HostTensor(logits, [n, t, labelNames.length], 'float32'),
  aligned,
  labelNames,
);
show(yPred);
const scores = computeSeqeval(yPred, yTrue);
show({
  precision: scores.overall_precision,
  recall: scores.overall_recall,
  f1: scores.overall_f1,
  accuracy: scores.overall_accuracy,
});

step('11. id2label / label2id and the model');
const id2label = Object.fromEntries(labelNames.map((name, i) => [i, name]));
const label2id = Object.fromEntries(labelNames.map((name, i) => [name, i]));
show(id2label);
// Offline: a tiny BERT from scratch (bert-base-cased weights cannot be downloaded here).
const model = AutoModelForTokenClassification.fromConfig(
  new BertConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 64,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    intermediateSize: 128,
    id2label,
    label2id,
  }),
  { seed: 42 },
);
show(model.config.numLabels);
model.dispose();

step('12. TrainingArguments');
const args = new TrainingArguments({
  outputDir: 'bert-finetuned-ner',
  evalStrategy: 'epoch',
  saveStrategy: 'epoch',
  learningRate: 2e-5,
  numTrainEpochs: 3,
  weightDecay: 0.01,
});
show({
  evalStrategy: args.evalStrategy,
  saveStrategy: args.saveStrategy,
  learningRate: args.learningRate,
  numTrainEpochs: args.numTrainEpochs,
  weightDecay: args.weightDecay,
  perDeviceTrainBatchSize: args.perDeviceTrainBatchSize,
  seed: args.seed,
});
