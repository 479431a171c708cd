// CoNLL-2003 sentences as word-level features for the end-to-end tests. @ner/align (WordPiece) is
// being written in parallel, so words map to ids through a vocabulary built here; labels are
// aligned one per word with -100 on [CLS]/[SEP], as the sub-word alignment would for one-piece words.
import { readConll } from '@ner/datasets';
import { BertConfig, AutoModelForTokenClassification } from '@ner/models';
import { f1Score, predictionsToTags } from '@ner/seqeval';
import { sharedPath } from '@ner/test-support';
import type { HostTensor } from '@ner/collate';

export const NER_NAMES = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];

// A type alias (not an interface) so it fits the collators' Record<string, unknown> rows.
export type Feature = {
  input_ids: number[];
  labels: number[];
};

export async function conllFeatures(
  count: number,
  maxWords = 30,
): Promise<{ features: Feature[]; vocabSize: number }> {
  const dataset = await readConll(sharedPath('data', 'conll2003', 'train.txt'));
  const vocab = new Map<string, number>([
    ['[PAD]', 0],
    ['[UNK]', 1],
    ['[CLS]', 2],
    ['[SEP]', 3],
  ]);
  const features: Feature[] = [];
  for (let i = 0; i < dataset.numRows && features.length < count; i++) {
    const row = dataset.get(i) as { tokens: string[]; ner_tags: (number | string)[] };
    if (row.tokens.length === 0) continue;
    const words = row.tokens.slice(0, maxWords);
    const tags = row.ner_tags
      .slice(0, maxWords)
      .map((t) => (typeof t === 'number' ? t : NER_NAMES.indexOf(t)));
    const ids = words.map((w) => {
      const key = w.toLowerCase();
      if (!vocab.has(key)) vocab.set(key, vocab.size);
      return vocab.get(key)!;
    });
    features.push({ input_ids: [2, ...ids, 3], labels: [-100, ...tags, -100] });
  }
  return { features, vocabSize: vocab.size };
}

export function tinyConllModel(vocabSize: number) {
  const config = new BertConfig({
    vocabSize,
    hiddenSize: 32,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 64,
    maxPositionEmbeddings: 40,
    id2label: Object.fromEntries(NER_NAMES.map((n, i) => [i, n])),
  });
  return AutoModelForTokenClassification.fromConfig(config, { seed: 3 });
}

/** Argmax over the last axis, dropping -100 positions, as the tutorial's compute_metrics does. */
export function toTagSequences(
  logits: HostTensor,
  labels: HostTensor,
): { yTrue: string[][]; yPred: string[][] } {
  return predictionsToTags(logits, labels, NER_NAMES);
}

export function seqevalF1(logits: HostTensor, labels: HostTensor): number {
  const { yTrue, yPred } = toTagSequences(logits, labels);
  return f1Score(yTrue, yPred) as number;
}
