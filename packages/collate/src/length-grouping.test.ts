import { describe, expect, it } from 'vitest';
import * as grouping from './length-grouping.js';
import { seededPermutation } from './mt19937.js';

describe('groupIndicesByLength (get_length_grouped_indices after the randperm)', () => {
  it('sorts megabatches longest first and moves the longest sample to the front', () => {
    // index:      0  1  2  3  4  5  6   7  8  9
    const lengths = [5, 9, 2, 7, 7, 1, 12, 3, 4, 6];
    const permutation = [3, 7, 0, 9, 5, 1, 8, 2, 6, 4];
    // megabatches of 2 × 2: [3,7,0,9] -> [3,9,0,7]; [5,1,8,2] -> [1,8,2,5]; [6,4] -> [6,4];
    // maxima 7, 9, 12 -> the third holds the longest: swap its head (6) with the first head (3).
    expect(grouping.groupIndicesByLength(permutation, lengths, 2, 2)).toEqual([6, 9, 0, 7, 1, 8, 2, 5, 3, 4]);
  });

  it('keeps the permuted order among equal lengths (stable sort, like sorted(reverse=True))', () => {
    expect(grouping.groupIndicesByLength([2, 0, 1], [4, 4, 4], 1, 3)).toEqual([2, 0, 1]);
  });

  it('takes the first megabatch among equal maxima (torch.argmax)', () => {
    expect(grouping.groupIndicesByLength([0, 1, 2, 3], [5, 1, 5, 2], 1, 2)).toEqual([0, 1, 2, 3]);
  });

  it('defaults the megabatch multiplier like transformers', () => {
    expect(grouping.defaultMegabatchMult(1000, 8)).toBe(31);
    expect(grouping.defaultMegabatchMult(100000, 8)).toBe(50);
    expect(grouping.defaultMegabatchMult(10, 8)).toBe(1);
  });
});

describe('LengthGroupedSampler', () => {
  const lengths = Array.from({ length: 100 }, (_, i) => (i * 37) % 23);

  it('is the grouped torch permutation of seed + epoch', () => {
    const sampler = new grouping.LengthGroupedSampler({ batchSize: 4, lengths, seed: 7 });
    expect(sampler.megabatchMult).toBe(6);
    expect(sampler.order(2)).toEqual(grouping.groupIndicesByLength(seededPermutation(100, 9), lengths, 4, 6));
    expect(sampler.order(0)).not.toEqual(sampler.order(1));
    expect([...sampler.order(3)].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('puts the longest sample first and cuts padding', () => {
    const sampler = new grouping.LengthGroupedSampler({ batchSize: 4, lengths });
    const order = sampler.order(0);
    expect(lengths[order[0]!]).toBe(22);
    const padding = (o: number[]) => {
      let total = 0;
      for (let s = 0; s < o.length; s += 4) {
        const batch = o.slice(s, s + 4).map((i) => lengths[i]!);
        total += batch.reduce((a, l) => a + Math.max(...batch) - l, 0);
      }
      return total;
    };
    expect(padding(order)).toBeLessThan(padding(seededPermutation(100, 42)));
  });

  it('measures lengths from rows: the length column, else input_ids', () => {
    expect(
      Array.from(grouping.measureLengths([{ input_ids: [1, 2] }, { input_ids: [3] }], 'length', 'input_ids')),
    ).toEqual([2, 1]);
    expect(
      Array.from(grouping.measureLengths([{ length: 9, input_ids: [1] }], 'length', 'input_ids')),
    ).toEqual([9]);
    expect(() => grouping.measureLengths([{ tokens: ['a'] }], 'length', 'input_ids')).toThrow(
      /can only infer lengths for rows that are objects with a 'input_ids' key/,
    );
    expect(() => new grouping.LengthGroupedSampler({ batchSize: 2 })).toThrow(/one of dataset and lengths/);
  });
});
