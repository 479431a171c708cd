// A tiny BERT token classifier and a synthetic token-classification set for Trainer tests.
import { AutoModelForTokenClassification, BertConfig } from '@ner/models';
import { DataCollatorForTokenClassification } from '@ner/collate';

export function tinyModel(seed = 7, numLabels = 3) {
  const config = new BertConfig({
    vocabSize: 40,
    hiddenSize: 16,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 20,
    maxPositionEmbeddings: 32,
    numLabels,
  });
  return AutoModelForTokenClassification.fromConfig(config, { seed });
}

/** Rows of varying length; label = token id mod 3 (learnable), -100 on the [CLS]-like first token. */
export function syntheticRows(count: number, seed = 1): { input_ids: number[]; labels: number[] }[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () => {
    const length = 3 + Math.floor(next() * 6);
    const ids = [2, ...Array.from({ length: length - 1 }, () => 4 + Math.floor(next() * 30))];
    return { input_ids: ids, labels: ids.map((id, i) => (i === 0 ? -100 : id % 3)) };
  });
}

export const collator = new DataCollatorForTokenClassification({ padTokenId: 0 });
