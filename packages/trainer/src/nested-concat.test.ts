import { HostTensor } from '@ner/collate';
import { describe, expect, it } from 'vitest';
import { padAndConcatenate } from './nested-concat.js';

describe('padAndConcatenate (transformers nested_concat)', () => {
  it('pads dim 1 to the widest part with -100', () => {
    const a = new HostTensor(Int32Array.from([1, 2, 3, 4]), [2, 2], 'int32');
    const b = new HostTensor(Int32Array.from([5, 6, 7]), [1, 3], 'int32');
    const out = padAndConcatenate([a, b]);
    expect(out.shape).toEqual([3, 3]);
    expect([...out.data]).toEqual([1, 2, -100, 3, 4, -100, 5, 6, 7]);
  });
  it('keeps trailing dims (logits) and 1-D parts', () => {
    const a = new HostTensor(Float32Array.from([1, 2]), [1, 1, 2], 'float32');
    const b = new HostTensor(Float32Array.from([3, 4, 5, 6]), [1, 2, 2], 'float32');
    expect([...padAndConcatenate([a, b]).data]).toEqual([1, 2, -100, -100, 3, 4, 5, 6]);
    const c = new HostTensor(Int32Array.from([1]), [1], 'int32');
    expect([...padAndConcatenate([c, c]).data]).toEqual([1, 1]);
    expect(() =>
      padAndConcatenate([a, new HostTensor(Float32Array.from([1, 2, 3]), [1, 1, 3], 'float32')]),
    ).toThrow(/only dim 0 and dim 1/);
  });
});
