import { describe, expect, it } from 'vitest';
import { DefaultDataCollator, defaultDataCollator } from './default-collator.js';

describe('defaultDataCollator', () => {
  it('stacks equal-length columns, renames label, skips strings and nulls', () => {
    const batch = defaultDataCollator([
      { input_ids: [1, 2, 3], label: 1, text: 'a', extra: null },
      { input_ids: [4, 5, 6], label: 0, text: 'b', extra: null },
    ]);
    expect(Object.keys(batch)).toEqual(['labels', 'input_ids']);
    expect(batch.labels?.toArray()).toEqual([1, 0]);
    expect(batch.input_ids?.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('uses label_ids when there is no label', () => {
    const batch = defaultDataCollator([{ label_ids: [1, 2] }, { label_ids: [3, 4] }]);
    expect(batch.labels?.shape).toEqual([2, 2]);
  });

  it('refuses ragged columns (no padding here)', () => {
    expect(() => defaultDataCollator([{ input_ids: [1, 2] }, { input_ids: [3] }])).toThrow(
      /row 1, 'input_ids': has 1 values but row 0 has 2/,
    );
  });

  it('class form', () => {
    const batch = new DefaultDataCollator().collate([{ x: 1.5 }, { x: 2 }]);
    expect(batch.x?.dtype).toBe('float32');
  });
});
