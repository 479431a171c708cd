import { describe, expect, it } from 'vitest';
import { WordPiece } from './wordpiece.js';

const vocab = new Map(
  ['[UNK]', 'la', '##mb', 'l', '##a', 'un', '##aff', '##able', '😀'].map((t, i) => [t, i]),
);
const model = new WordPiece({
  vocab,
  unkToken: '[UNK]',
  continuingSubwordPrefix: '##',
  maxInputCharsPerWord: 5,
});

describe('WordPiece', () => {
  it('takes the longest match first', () => {
    const p = model.tokenize('lamb');
    expect([...p.ids]).toEqual([1, 2]);
    expect([...p.starts]).toEqual([0, 2]);
    expect([...p.ends]).toEqual([2, 4]);
    expect([...model.tokenize('unaffable').ids]).toEqual([0]); // 9 code points > 5
  });

  it('turns a word with an unknown piece into one [UNK] over the whole word', () => {
    const p = model.tokenize('lax');
    expect([...p.ids]).toEqual([0]);
    expect([...p.ends]).toEqual([3]);
  });

  it('counts code points, not UTF-16 units, against maxInputCharsPerWord', () => {
    expect([...model.tokenize('😀').ids]).toEqual([8]);
    const wide = new WordPiece({
      vocab,
      unkToken: '[UNK]',
      continuingSubwordPrefix: '##',
      maxInputCharsPerWord: 9,
    });
    expect([...wide.tokenize('unaffable').ids]).toEqual([5, 6, 7]);
  });
});
