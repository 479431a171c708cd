import { describe, expect, it } from 'vitest';
import { argmaxRows } from './argmax-rows.js';

describe('argmaxRows', () => {
  it('takes the first maximum of each row', () => {
    expect(Array.from(argmaxRows(new Float32Array([0.1, 0.7, 0.2, 3, 3, 1]), 2, 3))).toEqual([1, 0]);
  });

  it('rejects a size that does not match', () => {
    expect(() => argmaxRows([1, 2, 3], 2, 2)).toThrow(/3 values, expected 2 × 2/);
  });
});
