import { describe, expect, it } from 'vitest';
import { balancedClassWeights, countLabels } from './class-weights.js';

describe('countLabels', () => {
  it('counts each label id and skips -100', () => {
    const rows = [{ labels: [-100, 0, 0, 2, -100] }, { labels: [-100, 1, 0, -100] }];
    expect(countLabels(rows, 4)).toEqual([3, 1, 1, 0]);
  });

  it('names a label outside the label list', () => {
    expect(() => countLabels([{ labels: [0, 4] }], 4)).toThrow(/label 4 is outside 0\.\.3/);
    expect(() => countLabels([{ labels: [-1] }], 4)).toThrow(/label -1 is outside/);
  });
});

describe('balancedClassWeights', () => {
  it('power 1 is sklearn compute_class_weight("balanced"): total / (classes × count)', () => {
    // sklearn: compute_class_weight("balanced", classes=[0,1,2], y=[0]*6+[1]*3+[2]) = [0.5556, 1.1111, 3.3333]
    const weights = balancedClassWeights([6, 3, 1]);
    expect(weights[0]).toBeCloseTo(10 / 18, 12);
    expect(weights[1]).toBeCloseTo(10 / 9, 12);
    expect(weights[2]).toBeCloseTo(10 / 3, 12);
  });

  it('softens with a power below 1 and gives all ones at power 0', () => {
    const weights = balancedClassWeights([6, 3, 1], 0.5);
    expect(weights[2]).toBeCloseTo(Math.sqrt(10 / 3), 12);
    expect(balancedClassWeights([6, 3, 1], 0)).toEqual([1, 1, 1]);
  });

  it('gives classes that never occur weight 1 and leaves them out of the average', () => {
    // Present classes: counts 4 and 4 of 8 → 8 / (2 × 4) = 1 each.
    expect(balancedClassWeights([4, 0, 4])).toEqual([1, 1, 1]);
  });

  it('rejects a negative or non-finite power', () => {
    expect(() => balancedClassWeights([1, 2], -1)).toThrow(/power must be a finite number >= 0, got -1/);
    expect(() => balancedClassWeights([1, 2], Number.NaN)).toThrow(/got NaN/);
  });
});
