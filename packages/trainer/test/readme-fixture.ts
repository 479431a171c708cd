// The tiny model and rows the README snippets train on (shared by the README tests).
import { AutoModelForTokenClassification, BertConfig } from '@ner/models';

/** A one-layer BERT token classifier with the README's labels O, B-PER, I-PER. */
export const makeReadmeModel = () =>
  AutoModelForTokenClassification.fromConfig(
    new BertConfig({
      vocabSize: 100,
      hiddenSize: 32,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      intermediateSize: 64,
      id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER' },
    }),
  );

/** Two tokenized rows with aligned labels (-100 on special tokens). */
export const readmeRows = [
  { input_ids: [2, 10, 11, 12, 3], labels: [-100, 1, 2, 0, -100] },
  { input_ids: [2, 13, 10, 3], labels: [-100, 0, 1, -100] },
];
