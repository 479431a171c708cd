import { describe, expect, it } from 'vitest';
import { highlightEntities } from './highlight.js';

const text = 'My name is Sylvain and I work at Hugging Face in Brooklyn.';
const entities = [
  { entity_group: 'PER', score: 0.99, word: 'Sylvain', start: 11, end: 18 },
  { entity_group: 'ORG', score: 0.97, word: 'Hugging Face', start: 33, end: 45 },
  { entity_group: 'LOC', score: 0.99, word: 'Brooklyn', start: 49, end: 57 },
];

describe('highlightEntities', () => {
  it('marks spans with brackets without colour', () => {
    expect(highlightEntities(text, entities, { color: false })).toBe(
      'My name is [Sylvain](PER) and I work at [Hugging Face](ORG) in [Brooklyn](LOC).',
    );
  });
  it('uses ANSI colours on a terminal', () => {
    const out = highlightEntities(text, entities.slice(0, 1), { color: true });
    expect(out).toBe(
      'My name is \x1b[1;36mSylvain\x1b[0m\x1b[2m[PER]\x1b[0m and I work at Hugging Face in Brooklyn.',
    );
  });
  it('handles token-level results and an entity at the very end', () => {
    const out = highlightEntities(
      'in Paris',
      [{ entity: 'B-LOC', score: 0.9, index: 2, word: 'Paris', start: 3, end: 8 }],
      {
        color: false,
      },
    );
    expect(out).toBe('in [Paris](LOC)');
  });
});
