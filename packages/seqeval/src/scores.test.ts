import { describe, expect, it } from 'vitest';
import { tags } from '../test/tags.js';
import { accuracyScore, performanceMeasure } from './accuracy.js';
import { f1Score, precisionRecallFscoreSupport, precisionScore, recallScore } from './scores.js';
import type { SeqevalWarning } from './warnings.js';

// seqeval's docstring example: MISC 1 of 2 predicted right, PER right.
const yTrue = tags('O O B-MISC I-MISC B-MISC O O', 'B-PER I-PER O');
const yPred = tags('O O B-MISC I-MISC B-MISC I-MISC O', 'B-PER I-PER O');

describe('precision / recall / F1', () => {
  it('averages micro by default and per type with average: null', () => {
    expect(precisionScore(yTrue, yPred)).toBeCloseTo(2 / 3, 15);
    expect(precisionScore(yTrue, yPred, { average: 'macro' })).toBe(0.75);
    expect(precisionScore(yTrue, yPred, { average: null })).toEqual([0.5, 1]);
    expect(recallScore(yTrue, yPred, { average: 'weighted' })).toBeCloseTo(2 / 3, 15);
    expect(f1Score(yTrue, yPred, { average: 'none' })).toEqual([0.5, 1]);
  });

  it('returns all four statistics per type (types sorted)', () => {
    expect(precisionRecallFscoreSupport(yTrue, yPred)).toEqual({
      precision: [0.5, 1],
      recall: [0.5, 1],
      fScore: [0.5, 1],
      support: [2, 1],
    });
  });

  it("sets 0/0 to 0 with an UndefinedMetricWarning, or to zeroDivision's value", () => {
    const warnings: SeqevalWarning[] = [];
    const noEntities = [['O', 'O']];
    expect(precisionScore(noEntities, noEntities, { onWarning: (w) => warnings.push(w) })).toBe(0);
    expect(warnings).toEqual([
      {
        category: 'UndefinedMetricWarning',
        message:
          'Precision is ill-defined and being set to 0.0 due to no predicted samples. ' +
          'Use `zeroDivision` option to control this behavior.',
      },
    ]);
    expect(f1Score(noEntities, noEntities, { zeroDivision: 1 })).toBe(1);
  });

  it('gives NaN for a macro average over no types, as numpy does', () => {
    const warnings: string[] = [];
    const value = recallScore([['O']], [['O']], {
      average: 'macro',
      onWarning: (w) => warnings.push(w.message),
    });
    expect(value).toBeNaN();
    expect(warnings).toEqual(['Mean of empty slice.', 'invalid value encountered in scalar divide']);
  });

  it('accepts and ignores sampleWeight like seqeval', () => {
    expect(f1Score(yTrue, yPred, { sampleWeight: [5, 0] })).toBe(f1Score(yTrue, yPred));
  });
});

describe('token-level metrics', () => {
  it('accuracy is the share of equal tags (9 of 10)', () => {
    expect(accuracyScore(yTrue, yPred)).toBe(0.9);
  });

  it('performanceMeasure counts tokens like seqeval', () => {
    const truth = tags('O O O B-MISC I-MISC O B-ORG', 'B-PER I-PER O B-PER');
    const guess = tags('O O B-MISC I-MISC I-MISC O O', 'B-PER I-PER O B-MISC');
    expect(performanceMeasure(truth, guess)).toEqual({ TP: 3, FP: 3, FN: 1, TN: 4 });
  });
});
