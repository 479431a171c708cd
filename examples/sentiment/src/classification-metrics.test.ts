import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  argmaxRows,
  normalizedConfusionMatrix,
  weightedF1Score,
} from './classification-metrics.js';

describe('accuracyScore', () => {
  it('is the fraction of exact matches', () => {
    expect(accuracyScore([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1])).toBeCloseTo(2 / 6, 15);
    expect(accuracyScore([1, 1], [1, 1])).toBe(1);
  });

  it('rejects lists of different lengths and non-ids', () => {
    expect(() => accuracyScore([0, 1], [0])).toThrow(/yTrue has 2 labels but yPred has 1/);
    expect(() => accuracyScore([0, 1.5], [0, 1])).toThrow(/yTrue\[1\] is 1.5/);
    expect(() => accuracyScore([], [])).toThrow(/empty/);
  });
});

describe('weightedF1Score (sklearn average="weighted")', () => {
  it('matches the sklearn f1_score documentation example (0.2666…)', () => {
    // sklearn docs: f1_score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], average='weighted') == 0.26666666666666666
    expect(weightedF1Score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1])).toBeCloseTo(0.26666666666666666, 15);
  });

  it('weights each class F1 by its true count (hand computed)', () => {
    // class 0: tp 2, predicted 2, true 3 → F1 4/5; class 1: tp 1, predicted 2, true 1 → F1 2/3.
    // (3 · 0.8 + 1 · 2/3) / 4 = 0.7666…
    expect(weightedF1Score([0, 0, 0, 1], [0, 0, 1, 1])).toBeCloseTo((3 * 0.8 + 2 / 3) / 4, 15);
  });

  it('gives a label that is only predicted weight 0, and a never-predicted label F1 0', () => {
    // class 0: tp 1, predicted 1, true 2 → 2/3; class 1 has no true example → weight 0.
    expect(weightedF1Score([0, 0], [0, 1])).toBeCloseTo(2 / 3, 15);
    // class 1 never predicted: F1 0 with weight 2; class 0: tp 2, predicted 4, true 2 → 2/3.
    expect(weightedF1Score([0, 0, 1, 1], [0, 0, 0, 0])).toBeCloseTo((2 * (2 / 3) + 2 * 0) / 4, 15);
  });

  it('is 1 for perfect predictions', () => {
    expect(weightedF1Score([2, 0, 1, 1], [2, 0, 1, 1])).toBe(1);
  });
});

describe('normalizedConfusionMatrix (sklearn normalize="true")', () => {
  it('matches the sklearn confusion_matrix documentation example, row-normalized', () => {
    // sklearn docs: confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]) == [[2,0,0],[0,0,1],[1,0,2]]
    const m = normalizedConfusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], 3);
    expect(m[0]).toEqual([1, 0, 0]);
    expect(m[1]).toEqual([0, 0, 1]);
    expect(m[2]![0]).toBeCloseTo(1 / 3, 15);
    expect(m[2]![1]).toBe(0);
    expect(m[2]![2]).toBeCloseTo(2 / 3, 15);
  });

  it('gives a class with no true example a row of zeros', () => {
    expect(normalizedConfusionMatrix([0, 0], [0, 1], 3)).toEqual([
      [0.5, 0.5, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('rejects ids outside [0, numClasses)', () => {
    expect(() => normalizedConfusionMatrix([0, 3], [0, 1], 3)).toThrow(
      /yTrue\[1\] is 3, expected a class id in \[0, 3\)/,
    );
  });
});

describe('argmaxRows', () => {
  it('takes the first maximum of each row', () => {
    expect(Array.from(argmaxRows(new Float32Array([0.1, 0.7, 0.2, 3, 3, 1]), 2, 3))).toEqual([1, 0]);
  });

  it('rejects a size that does not match', () => {
    expect(() => argmaxRows([1, 2, 3], 2, 2)).toThrow(/3 values, expected 2 × 2/);
  });
});
