import { describe, expect, it } from 'vitest';
import { alignLabelsWithTokens, loadTokenizer, tokenizeAndAlignLabels } from '../src/index.js';
import { vocabDir } from './corpora.js';

const CONLL_LABELS = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];
const WORDS = ['EU', 'rejects', 'German', 'call', 'to', 'boycott', 'British', 'lamb', '.'];
const TAGS = [3, 0, 7, 0, 0, 0, 7, 0, 0];

describe('the token classification course, with bert-base-cased', () => {
  it('tokenizes the first CoNLL training sentence as the course shows', async () => {
    const tokenizer = await loadTokenizer(vocabDir('bert-base-cased'));
    const encoding = tokenizer.encode(WORDS, { isSplitIntoWords: true });
    expect(encoding.tokens()).toEqual([
      '[CLS]',
      'EU',
      'rejects',
      'German',
      'call',
      'to',
      'boycott',
      'British',
      'la',
      '##mb',
      '.',
      '[SEP]',
    ]);
    expect(encoding.wordIds()).toEqual([null, 0, 1, 2, 3, 4, 5, 6, 7, 7, 8, null]);
    expect(alignLabelsWithTokens(TAGS, encoding.wordIds(), { labelNames: CONLL_LABELS })).toEqual([
      -100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100,
    ]);
    expect(alignLabelsWithTokens(TAGS, encoding.wordIds(), { strategy: 'first' })).toEqual([
      -100, 3, 0, 7, 0, 0, 0, 7, 0, -100, 0, -100,
    ]);
  });

  it('tokenizeAndAlignLabels gives the batched columns, truncated to maxLength', async () => {
    const tokenizer = await loadTokenizer(vocabDir('bert-base-cased'));
    const fn = tokenizeAndAlignLabels(tokenizer, { labelNames: CONLL_LABELS });
    const out = fn({ tokens: [WORDS, ['Peter', 'Blackburn']], ner_tags: [TAGS, [1, 2]] });
    expect(out.labels[0]).toEqual([-100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100]);
    expect(out.labels[1]).toEqual([-100, 1, 2, -100]);
    expect(out.input_ids[1]).toEqual(tokenizer.convertTokensToIds(['[CLS]', 'Peter', 'Blackburn', '[SEP]']));
    expect(out.attention_mask[1]).toEqual([1, 1, 1, 1]);
    expect(out.token_type_ids[1]).toEqual([0, 0, 0, 0]);
    const short = tokenizeAndAlignLabels(tokenizer, { maxLength: 5 })({ tokens: [WORDS], ner_tags: [TAGS] });
    expect(short.labels[0]).toEqual([-100, 3, 0, 7, -100]);
    expect(() => fn({ tokens: [WORDS], ner_tags: [[0]] })).toThrow(/example 0: 9 words but 1 labels/);
  });
});
