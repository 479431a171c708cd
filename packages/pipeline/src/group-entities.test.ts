import { describe, expect, it } from 'vitest';
import { wordPieceTraits } from '../test/word-piece-traits.js';
import { getTag, groupEntities } from './group-entities.js';

const tokenizer = wordPieceTraits({ unkTokenId: 1 });
const span = (entity: string, word: string, start: number, end: number, score = 0.5) => ({
  entity,
  score,
  word,
  start,
  end,
});

describe('getTag', () => {
  it('splits B-/I- and treats other labels as continuations', () => {
    expect(getTag('B-PER')).toEqual(['B', 'PER']);
    expect(getTag('I-LOC')).toEqual(['I', 'LOC']);
    expect(getTag('PER')).toEqual(['I', 'PER']);
    expect(getTag('O')).toEqual(['I', 'O']);
  });
});

describe('groupEntities', () => {
  it('merges I- after B- of the same type and starts a new group at each B-', () => {
    const groups = groupEntities(
      [
        span('B-PER', 'Angela', 0, 6, 0.75),
        span('I-PER', 'Mer', 7, 10, 0.25),
        span('I-PER', '##kel', 10, 13, 0.5),
        span('B-PER', 'Tim', 14, 17),
        span('I-LOC', 'Paris', 18, 23),
      ],
      tokenizer,
    );
    expect(groups).toEqual([
      { entity_group: 'PER', score: 0.5, word: 'Angela Merkel', start: 0, end: 13 },
      { entity_group: 'PER', score: 0.5, word: 'Tim', start: 14, end: 17 },
      { entity_group: 'LOC', score: 0.5, word: 'Paris', start: 18, end: 23 },
    ]);
  });
});
