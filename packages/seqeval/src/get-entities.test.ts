import { describe, expect, it } from 'vitest';
import { getEntities } from './get-entities.js';
import type { SeqevalWarning } from './warnings.js';

describe('getEntities (default, conlleval-compatible mode)', () => {
  it('returns [type, start, end] with inclusive ends', () => {
    expect(getEntities(['B-PER', 'I-PER', 'O', 'B-LOC'])).toEqual([
      ['PER', 0, 1],
      ['LOC', 3, 3],
    ]);
  });

  it('joins sentences with an O, so positions skip one token per sentence', () => {
    expect(getEntities([['B-PER'], ['B-LOC', 'I-LOC']])).toEqual([
      ['PER', 0, 0],
      ['LOC', 2, 3],
    ]);
  });

  it('starts an entity at I- after O and ends one at a type change', () => {
    expect(getEntities(['O', 'I-PER', 'I-PER', 'I-LOC'])).toEqual([
      ['PER', 1, 2],
      ['LOC', 3, 3],
    ]);
  });

  it('reads suffix-style tags (PER-B) with suffix: true', () => {
    expect(getEntities(['PER-B', 'PER-I', 'O', 'LOC-S'], { suffix: true })).toEqual([
      ['PER', 0, 1],
      ['LOC', 3, 3],
    ]);
  });

  it('keeps hyphens inside the type and names a missing type "_"', () => {
    expect(getEntities(['B-DATE-TIME', 'I-DATE-TIME', 'B'])).toEqual([
      ['DATE-TIME', 0, 1],
      ['_', 2, 2],
    ]);
  });

  it('warns about tags that are not NE tags, once each, and still uses them', () => {
    const warnings: SeqevalWarning[] = [];
    const entities = getEntities(['U-PER', 'O', 'U-PER'], { onWarning: (w) => warnings.push(w) });
    expect(entities).toEqual([
      ['PER', 0, 0],
      ['PER', 2, 2],
    ]);
    expect(warnings).toEqual([{ category: 'UserWarning', message: 'U-PER seems not to be NE tag.' }]);
  });
});
