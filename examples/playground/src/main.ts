// The code of docs/getting-started.md, block after block (test/guide.test.ts checks that the two
// agree and runs this file). Run: npx -y pnpm@10.34.8 --filter @ner-examples/playground start
import { CONLL2003_NER_NAMES, loadDataset } from '@ner/datasets';

const shared = '../../../shared/data'; // the shared/ folder beside the repository, from examples/playground
const raw = await loadDataset(`${shared}/conll2003`); // a folder, or a Hub dataset id
console.log(raw.toString()); // DatasetDict({ train: Dataset({ ... num_rows: 14041 }) ... })
const labelNames = CONLL2003_NER_NAMES; // O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC, B-MISC, I-MISC
const first = (count: number) => Array.from({ length: count }, (_, i) => i);
const trainWords = raw.get('train').select(first(1000)); // the guide's small run
const validationWords = raw.get('validation').select(first(100));

import { alignLabelsWithTokens, Tokenizer, tokenizeAndAlignLabels } from '@ner/align';

const tokenizer = await Tokenizer.fromPretrained(`${shared}/tokenizers/bert-base-cased`);
const encoding = tokenizer.encode(raw.get('train').get(0).tokens as string[], { isSplitIntoWords: true });
console.log(encoding.tokens()); // ['[CLS]', 'EU', 'rejects', 'German', 'call', 'to', 'boycott', 'British', 'la', '##mb', '.', '[SEP]']
console.log(encoding.wordIds()); // [null, 0, 1, 2, 3, 4, 5, 6, 7, 7, 8, null]
console.log(alignLabelsWithTokens([3, 0, 7, 0, 0, 0, 7, 0, 0], encoding.wordIds(), { strategy: 'all', labelNames }));
// [-100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100]

const tokenize = tokenizeAndAlignLabels(tokenizer, { labelNames });
const train = trainWords.map(tokenize, { batched: true, removeColumns: trainWords.columnNames });
const validation = validationWords.map(tokenize, { batched: true, removeColumns: validationWords.columnNames });

import { DataCollatorForTokenClassification } from '@ner/collate';

// labels are padded with -100, input_ids with [PAD], attention_mask with 0
const collator = new DataCollatorForTokenClassification({ padTokenId: tokenizer.padTokenId });

import { AutoModelForTokenClassification, BertConfig, initBackend } from '@ner/models';

await initBackend(); // e.g. "[@ner/models] TensorFlow.js backend: native (AVX-512 GEMM, OpenBLAS not found)"
const id2label = Object.fromEntries(labelNames.map((name, i) => [i, name]));
const label2id = Object.fromEntries(labelNames.map((name, i) => [name, i]));
// With network: await AutoModelForTokenClassification.fromPretrained('bert-base-cased', { id2label, label2id })
const config = new BertConfig({ vocabSize: tokenizer.vocabSize, hiddenSize: 64, numHiddenLayers: 2,
  numAttentionHeads: 2, intermediateSize: 128, maxPositionEmbeddings: 512, id2label, label2id });
const model = AutoModelForTokenClassification.fromConfig(config, { seed: 42 });

import { computeSeqeval, predictionsToTags } from '@ner/seqeval';
import { Trainer, TrainingArguments } from '@ner/trainer';

const trainer = new Trainer({
  model,
  args: new TrainingArguments({ outputDir: 'outputs/bert-finetuned-ner', overwriteOutputDir: true,
    evalStrategy: 'epoch', saveStrategy: 'no', learningRate: 3e-3, numTrainEpochs: 3, weightDecay: 0.01,
    perDeviceTrainBatchSize: 16, seed: 42 }), // pretrained: learningRate 2e-5, numTrainEpochs 3
  trainDataset: train,
  evalDataset: validation,
  dataCollator: collator.collateFn,
  processingClass: tokenizer, // saved beside the model
  computeMetrics: ({ predictions, labelIds }) => {
    const { yTrue, yPred } = predictionsToTags(predictions, labelIds!, labelNames); // argmax, drop -100
    const scores = computeSeqeval(yPred, yTrue);
    return { precision: scores.overall_precision, recall: scores.overall_recall, f1: scores.overall_f1,
      accuracy: scores.overall_accuracy };
  },
});
await trainer.train();
console.log(await trainer.evaluate()); // { eval_loss, eval_precision, eval_recall, eval_f1, eval_accuracy, ... }
await trainer.saveModel('outputs/bert-finetuned-ner/final');

import { pipeline } from '@ner/pipeline';

const ner = await pipeline('token-classification', {
  model: 'outputs/bert-finetuned-ner/final',
  aggregationStrategy: 'simple',
});
console.log(await ner('My name is Sylvain and I work at Hugging Face in Brooklyn.'));
// with a well-trained model: [{ entity_group: 'PER', score, word: 'Sylvain', start: 11, end: 18 }, ...]
ner.dispose();
