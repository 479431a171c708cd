import { describe, expect, it } from 'vitest';
import { wordPieceTraits } from '../test/word-piece-traits.js';
import { postprocessTokenClassification } from './postprocess.js';
import type { GroupedEntity } from './types.js';

// One word in four pieces, worked out by hand. Logits are log-probabilities, so
// the softmax gives back these probabilities (up to float32 rounding).
const text = 'Lüdenscheidt';
const probabilities = [
  [1, 0, 0], // [CLS]
  [0.25, 0.5, 0.25], // Lü       → B-LOC 0.5
  [0.5, 0.25, 0.25], // ##den    → O 0.5
  [0.125, 0.125, 0.75], // ##scheid → I-LOC 0.75
  [0.5, 0.25, 0.25], // ##t      → O 0.5
  [1, 0, 0], // [SEP]
];
const window = {
  inputIds: [2, 10, 11, 12, 13, 3],
  tokens: ['[CLS]', 'Lü', '##den', '##scheid', '##t', '[SEP]'],
  offsets: [
    [0, 0],
    [0, 2],
    [2, 5],
    [5, 11],
    [11, 12],
    [0, 0],
  ] as [number, number][],
  specialTokensMask: [1, 0, 0, 0, 0, 1],
  logits: probabilities.map((row) => row.map((p) => Math.log(p))),
};
const options = { id2label: ['O', 'B-LOC', 'I-LOC'], tokenizer: wordPieceTraits({ unkTokenId: 1 }) };

function rounded(entities: readonly object[]) {
  return (entities as GroupedEntity[]).map((e) => ({ ...e, score: Number(e.score.toFixed(6)) }));
}

describe('a word split into many pieces', () => {
  it('simple groups tokens, so the word falls apart', () => {
    expect(
      rounded(postprocessTokenClassification(text, [window], { ...options, aggregationStrategy: 'simple' })),
    ).toEqual([
      { entity_group: 'LOC', score: 0.5, word: 'Lü', start: 0, end: 2 },
      { entity_group: 'LOC', score: 0.75, word: '##scheid', start: 5, end: 11 },
    ]);
  });
  it('first takes the first piece', () => {
    expect(
      rounded(postprocessTokenClassification(text, [window], { ...options, aggregationStrategy: 'first' })),
    ).toEqual([{ entity_group: 'LOC', score: 0.5, word: 'Lüdenscheidt', start: 0, end: 12 }]);
  });
  it('max takes the most confident piece', () => {
    expect(
      rounded(postprocessTokenClassification(text, [window], { ...options, aggregationStrategy: 'max' })),
    ).toEqual([{ entity_group: 'LOC', score: 0.75, word: 'Lüdenscheidt', start: 0, end: 12 }]);
  });
  it('average takes the argmax of the mean scores (O 0.34375, B-LOC 0.28125, I-LOC 0.375)', () => {
    expect(
      rounded(postprocessTokenClassification(text, [window], { ...options, aggregationStrategy: 'average' })),
    ).toEqual([{ entity_group: 'LOC', score: 0.375, word: 'Lüdenscheidt', start: 0, end: 12 }]);
    expect(
      postprocessTokenClassification(text, [window], {
        ...options,
        aggregationStrategy: 'average',
        ignoreLabels: ['LOC'],
      }),
    ).toEqual([]);
  });
  it('none reports every non-O token with its index', () => {
    const tokens = postprocessTokenClassification(text, [window], options);
    expect(tokens.map((t) => ('index' in t ? [t.entity, t.index, t.word] : null))).toEqual([
      ['B-LOC', 1, 'Lü'],
      ['I-LOC', 3, '##scheid'],
    ]);
  });
});
