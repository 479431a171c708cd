// Shared by the collate benchmarks: CoNLL-2003 sentences and their bert-base-cased token counts.
// Token counts come from a small greedy WordPiece over the cased vocab.txt after splitting words on
// punctuation (what BertPreTokenizer does to CoNLL's already whitespace-split words), plus [CLS]/[SEP].
import { readFileSync } from 'node:fs';
import { sharedPath } from '../test-support/index.js';

/** Words of every sentence of a CoNLL file (-DOCSTART- skipped). */
export function conllSentences(split = 'train') {
  const text = readFileSync(sharedPath('data', 'conll2003', `${split}.txt`), 'utf8');
  const sentences = [];
  let words = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (words.length > 0) sentences.push(words);
      words = [];
    } else if (!line.startsWith('-DOCSTART-')) {
      words.push(line.split(' ')[0]);
    }
  }
  if (words.length > 0) sentences.push(words);
  return sentences;
}

/** Number of bert-base-cased tokens (with [CLS] and [SEP]) of each sentence. */
export function tokenCounts(sentences) {
  const vocab = new Set(
    readFileSync(sharedPath('data', 'tokenizers', 'bert-base-cased', 'vocab.txt'), 'utf8').split('\n'),
  );
  const cache = new Map();
  const pieces = (word) => {
    let count = cache.get(word);
    if (count !== undefined) return count;
    count = 0;
    for (const part of word.split(/(\p{P}|\p{S})/u).filter((p) => p !== '')) {
      let start = 0;
      let n = 0;
      while (start < part.length) {
        let end = part.length;
        while (end > start && !vocab.has((start > 0 ? '##' : '') + part.slice(start, end))) end -= 1;
        if (end === start) {
          n = 1; // [UNK] for the whole word piece
          break;
        }
        n += 1;
        start = end;
      }
      count += n;
    }
    cache.set(word, count);
    return count;
  };
  return sentences.map((words) => 2 + words.reduce((sum, w) => sum + pieces(w), 0));
}
