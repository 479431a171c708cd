// SeededRandom's normalArray makes its Box-Muller pairs in one loop (weight initialisation draws
// 110 million values for bert-base). It must give exactly what nextNormal called one at a time
// gives, leave the generator where those calls would, and keep the values of the generator as it
// was before the loop existed (the golden values below came from that version), so seeded models
// keep their weights.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/seeded-random.js';

/** `count` values of normal(mean, std) by nextNormal one at a time, as float32: the definition. */
function oneByOne(rng: SeededRandom, count: number, mean: number, std: number): Float32Array {
  return Float32Array.from({ length: count }, () => mean + std * rng.nextNormal());
}

/** The float32 bits (tells -0 from 0). */
function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

describe('SeededRandom.normalArray', () => {
  it('keeps the values of the generator before the loop (golden)', () => {
    const rng = new SeededRandom(42);
    expect(Array.from(rng.normalArray(5, 0, 0.02))).toEqual([
      0.012724604457616806, 0.013028845191001892, 0.016616037115454674, -0.038437534123659134,
      0.04443478584289551,
    ]);
    expect([rng.nextUint32(), rng.nextUint32()]).toEqual([65323186, 1112262688]);
    const other = new SeededRandom(7);
    other.nextNormal(); // leaves a spare, which normalArray must take first
    expect(Array.from(other.normalArray(3, 1, 2))).toEqual([
      0.7382010817527771, 2.1814353466033936, 3.2386584281921387,
    ]);
    expect(other.nextNormal()).toBe(-1.0527407156705448);
    expect(other.nextUint32()).toBe(2204226377);
  });

  it.each([
    [0, false],
    [1, false],
    [2, false],
    [7, false],
    [1000, false],
    [0, true],
    [1, true],
    [6, true],
    [1001, true],
  ])(
    'count %s (a spare pending: %s) is nextNormal one at a time, and leaves the generator where it would',
    (count, spare) => {
      for (const seed of [1, 42, 2 ** 31 + 5, 0xffffffff]) {
        const fast = new SeededRandom(seed);
        const slow = new SeededRandom(seed);
        if (spare) {
          expect(fast.nextNormal()).toBe(slow.nextNormal());
        }
        expect(bits(fast.normalArray(count, 0.5, 0.02))).toEqual(bits(oneByOne(slow, count, 0.5, 0.02)));
        // The next draws agree: the spare and the 128-bit state are where the calls leave them.
        expect([fast.nextNormal(), fast.nextNormal(), fast.nextUint32()]).toEqual([
          slow.nextNormal(),
          slow.nextNormal(),
          slow.nextUint32(),
        ]);
      }
    },
  );
});
