import { describe, expect, it } from 'vitest';
import { Pcg64, numpyPermutation } from './numpy-permutation.js';

// Expected values printed by numpy 2.4.6:
//   python3 -c "import numpy as np; r=np.random.default_rng(42); print(r.random(), r.random())"
//   python3 -c "import numpy as np; print(np.random.default_rng(42).permutation(10))"   (and the others below)
describe('numpy default_rng(seed).permutation(n), bit for bit', () => {
  it('PCG64 + SeedSequence give numpy random() values', () => {
    const rng = new Pcg64(42);
    expect(rng.nextDouble()).toBe(0.7739560485559633);
    expect(rng.nextDouble()).toBe(0.4388784397520523);
  });

  it('permutations match numpy', () => {
    expect(Array.from(numpyPermutation(10, 42))).toEqual([5, 6, 0, 7, 3, 2, 4, 9, 1, 8]);
    expect(Array.from(numpyPermutation(20, 0))).toEqual([
      4, 19, 6, 2, 13, 16, 3, 11, 10, 8, 0, 12, 7, 5, 18, 17, 14, 9, 1, 15,
    ]);
    expect(Array.from(numpyPermutation(14041, 42).slice(0, 10))).toEqual([
      1469, 122, 5555, 7550, 10165, 13362, 1796, 7277, 11347, 6650,
    ]);
    expect(Array.from(numpyPermutation(7, 2n ** 70n + 5n))).toEqual([6, 1, 0, 2, 4, 3, 5]);
  });

  it('is a permutation and deterministic', () => {
    const a = numpyPermutation(1000, 7);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(numpyPermutation(1000, 7))).toEqual(Array.from(a));
    expect(Array.from(numpyPermutation(1000, 8))).not.toEqual(Array.from(a));
    expect(Array.from(numpyPermutation(0, 1))).toEqual([]);
    expect(Array.from(numpyPermutation(1, 1))).toEqual([0]);
  });
});
