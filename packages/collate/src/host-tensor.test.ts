import { describe, expect, it } from 'vitest';
import { HostTensor } from './host-tensor.js';

describe('HostTensor', () => {
  const t = new HostTensor(Int32Array.of(1, 2, 3, 4, 5, 6), [2, 3], 'int32');

  it('reads rows, cells and nested arrays', () => {
    expect(t.rows).toBe(2);
    expect(t.cols).toBe(3);
    expect(Array.from(t.row(1))).toEqual([4, 5, 6]);
    expect(t.get(1, 2)).toBe(6);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('row() is a view', () => {
    t.row(0)[0] = 10;
    expect(t.data[0]).toBe(10);
    t.row(0)[0] = 1;
  });

  it('checks shapes and indices', () => {
    expect(() => new HostTensor(Int32Array.of(1, 2), [3], 'int32')).toThrow(/needs 3 values, got 2/);
    expect(() => t.get(2, 0)).toThrow(/out of range/);
    expect(() => t.get(0)).toThrow(/two indices/);
    expect(() => new HostTensor(Float32Array.of(1), [1], 'float32').row(0)).toThrow(/rank 1/);
  });
});
