/**
 * A small seeded generator (xoshiro128**, state filled by splitmix32) for
 * weight initialisation and dropout. We own it because tfjs's random ops are
 * seeded per call only: one generator drawn in a fixed order is what makes two
 * runs with the same seed produce the same weights and the same dropout masks.
 */
export class SeededRandom {
  /** xoshiro128**'s four words, as int32 (only their bits matter; see xoshiroNext). */
  private readonly state = new Int32Array(4);
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restarts the sequence from `seed` (any finite number; it is folded to 32 bits). */
  reseed(seed: number): void {
    let x = Math.trunc(seed) >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32 spreads a small seed over the whole 128-bit state.
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.state[i] = (z ^ (z >>> 16)) >>> 0;
    }
    this.spareNormal = null;
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    return xoshiroNext(this.state);
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A seed for a tfjs random op: a positive 31-bit integer (tfjs treats 0 as "unseeded"). */
  nextSeed(): number {
    return this.nextUint32() >>> 1 || 1;
  }

  /** Standard normal sample (Box-Muller, both values used). */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /**
   * `count` samples of normal(mean, std) as float32, like `tensor.normal_(mean, std)`: exactly
   * `mean + std * nextNormal()` called `count` times, and the generator left where those calls
   * leave it. Each Box-Muller pair is made in one go, without nextNormal's spare field, because
   * initialising bert-base draws 110 million of them (0.75x the time of calling nextNormal).
   */
  normalArray(count: number, mean: number, std: number): Float32Array {
    const out = new Float32Array(count);
    let i = 0;
    if (count > 0 && this.spareNormal !== null) {
      out[i++] = mean + std * this.spareNormal;
      this.spareNormal = null;
    }
    const s = this.state;
    while (i < count) {
      // nextNormal's two nextFloat draws: u (drawn again while 0), then v.
      let uBits = xoshiroNext(s);
      while (uBits === 0) uBits = xoshiroNext(s);
      const u = uBits / 4294967296;
      const v = xoshiroNext(s) / 4294967296;
      const radius = Math.sqrt(-2 * Math.log(u));
      out[i++] = mean + std * (radius * Math.cos(2 * Math.PI * v));
      const spare = radius * Math.sin(2 * Math.PI * v);
      if (i < count) out[i++] = mean + std * spare;
      else this.spareNormal = spare;
    }
    return out;
  }
}

/**
 * xoshiro128**'s next output (uint32), advancing the state `s`, kept as int32: the steps only
 * care about its bits, and the output is read as uint32.
 */
function xoshiroNext(s: Int32Array): number {
  const s1 = s[1]!;
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  s[2]! ^= s[0]!;
  s[3]! ^= s1;
  s[1]! ^= s[2]!;
  s[0]! ^= s[3]!;
  s[2]! ^= t;
  s[3] = rotl(s[3]!, 11);
  return result;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
