import { describe, expect, it } from 'vitest';
import * as math from './float32-math.js';

describe('float32 helpers', () => {
  it('softmax of equal logits is uniform and sums to ~1', () => {
    const p = math.float32Softmax([2, 2, 2, 2]);
    expect(Array.from(p)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
  it('softmax is computed in float32 (1/3 rounds to the float32 nearest 1/3)', () => {
    const p = math.float32Softmax([0, 0, 0]);
    expect(p[0]).toBe(Math.fround(1 / 3));
    expect(p[0]).not.toBe(1 / 3);
  });
  it('pairwise sum groups 8 accumulators like numpy', () => {
    // 1 + 8 * 2^-24: sequential float32 addition loses every 2^-24 (half an ulp of 1),
    // numpy's pairwise order first adds the small terms together and keeps them.
    const values = [1, ...Array(8).fill(2 ** -24)];
    let sequential = 0;
    for (const v of values) sequential = Math.fround(sequential + v);
    expect(sequential).toBe(1);
    expect(math.float32PairwiseSum(values)).toBeGreaterThan(1);
  });
  it('nanmean skips NaN in sum and count', () => {
    expect(math.float32NanMean([0.5, Number.NaN, 0.25])).toBe(0.375);
    expect(Number.isNaN(math.float32NanMean([Number.NaN]))).toBe(true);
    expect(
      Array.from(math.float32NanMeanColumns([Float32Array.of(1, Number.NaN), Float32Array.of(0, 0.5)])),
    ).toEqual([0.5, 0.5]);
  });
  it('argmax returns the first maximum', () => {
    expect(math.argmax([0.1, 0.4, 0.4])).toBe(1);
  });
});
