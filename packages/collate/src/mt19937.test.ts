import { describe, expect, it } from 'vitest';
import { Mt19937, randperm, seededPermutation } from './mt19937.js';

describe('Mt19937', () => {
  it('matches the C++ standard check value: the 10000th output of mt19937 seeded 5489 is 4123659995', () => {
    const g = new Mt19937(5489);
    let value = 0;
    for (let i = 0; i < 10000; i++) value = g.nextUint32();
    expect(value).toBe(4123659995);
  });

  it('matches the first outputs of the reference mt19937ar seeded 5489', () => {
    // Matsumoto & Nishimura's genrand_int32 with init_genrand(5489): 3499211612, 581869302, 3890346734.
    const g = new Mt19937(5489);
    expect([g.nextUint32(), g.nextUint32(), g.nextUint32()]).toEqual([3499211612, 581869302, 3890346734]);
  });

  it('reproduces torch.randint(0, 100, (6,)) after torch.manual_seed(1234): random() % 100', () => {
    const g = new Mt19937(1234);
    const draws = Array.from({ length: 6 }, () => g.nextUint32() % 100);
    expect(draws).toEqual([75, 71, 6, 65, 16, 64]);
  });

  it('wraps negative seeds like torch (low 32 bits of the uint64)', () => {
    const a = new Mt19937(-1);
    const b = new Mt19937(0xffffffff);
    expect(a.nextUint32()).toBe(b.nextUint32());
    const c = new Mt19937(2 ** 32 + 7);
    const d = new Mt19937(7);
    expect(c.nextUint32()).toBe(d.nextUint32());
  });

  it('rejects non-integer seeds', () => {
    expect(() => new Mt19937(1.5)).toThrow(/safe integer/);
  });
});

describe('randperm', () => {
  it('reproduces torch.randperm(6) after torch.manual_seed(1234)', () => {
    expect(seededPermutation(6, 1234)).toEqual([3, 2, 4, 5, 1, 0]);
  });

  it('consumes n - 1 draws, like torch', () => {
    const g = new Mt19937(99);
    randperm(20, g);
    const next = g.nextUint32();
    const h = new Mt19937(99);
    for (let i = 0; i < 19; i++) h.nextUint32();
    expect(next).toBe(h.nextUint32());
  });

  it('is a permutation and handles n = 0 and 1', () => {
    expect(seededPermutation(0, 1)).toEqual([]);
    expect(seededPermutation(1, 1)).toEqual([0]);
    const p = seededPermutation(1000, 3);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
