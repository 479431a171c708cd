import { describe, expect, it } from 'vitest';
import { aggregateOverlappingEntities } from './overlapping-entities.js';

describe('aggregateOverlappingEntities', () => {
  it('keeps the longer of two overlapping entities, then the higher score', () => {
    const a = { word: 'Emm', score: 0.9, start: 18, end: 21 };
    const b = { word: 'Emmanuel', score: 0.4, start: 18, end: 26 };
    const c = { word: 'Paris', score: 0.3, start: 37, end: 42 };
    const d = { word: 'Paris', score: 0.6, start: 37, end: 42 };
    expect(aggregateOverlappingEntities([c, a, d, b])).toEqual([b, d]);
  });
  it('returns [] for no entities', () => {
    expect(aggregateOverlappingEntities([])).toEqual([]);
  });
});
