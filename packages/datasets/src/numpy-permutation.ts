/**
 * `numpy.random.default_rng(seed).permutation(n)`, bit for bit, because that is what 🤗 Datasets'
 * `shuffle(seed=...)` and `train_test_split(seed=...)` use: the same seed gives the same order in Python
 * and here.
 *
 * Three pieces, each as numpy implements it:
 * 1. `SeedSequence(seed).generate_state(4, uint64)`: the seed's 32-bit words hashed into a pool of four
 *    32-bit words, then expanded (all arithmetic mod 2^32);
 * 2. PCG64 (128-bit LCG, XSL-RR output), seeded with `state = words[0..1]`, `inc = words[2..3]`;
 * 3. Fisher-Yates from the end (`for i = n-1 .. 1: j = random_interval(i); swap(i, j)`), where
 *    `random_interval(max)` draws masked 32-bit values (two per 64-bit output, low half first) and rejects
 *    those above `max`.
 */

const MASK32 = 0xffffffffn;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const PCG_MULTIPLIER = (2549297995355413924n << 64n) + 4865540595714422341n;

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const POOL_SIZE = 4;

/** The seed as numpy's `_coerce_to_uint32_array` sees it: little-endian 32-bit words, at least one. */
function seedWords(seed: number | bigint): number[] {
  let value = BigInt(seed);
  if (value < 0n) throw new RangeError(`numpy seeds must be non-negative, got ${seed}`);
  const words: number[] = [];
  do {
    words.push(Number(value & MASK32));
    value >>= 32n;
  } while (value > 0n);
  return words;
}

/** `SeedSequence(seed).generate_state(4, np.uint64)` as four bigints. */
export function seedSequenceState(seed: number | bigint): bigint[] {
  const entropy = seedWords(seed);
  let hashConst = INIT_A;
  const hashmix = (input: number): number => {
    let value = (input ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> XSHIFT)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (result ^ (result >>> XSHIFT)) >>> 0;
  };
  const pool = new Array<number>(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i += 1) pool[i] = hashmix(entropy[i] ?? 0);
  for (let src = 0; src < POOL_SIZE; src += 1) {
    for (let dst = 0; dst < POOL_SIZE; dst += 1) {
      if (src !== dst) pool[dst] = mix(pool[dst] as number, hashmix(pool[src] as number));
    }
  }
  for (let src = POOL_SIZE; src < entropy.length; src += 1) {
    for (let dst = 0; dst < POOL_SIZE; dst += 1)
      pool[dst] = mix(pool[dst] as number, hashmix(entropy[src] as number));
  }
  let hashB = INIT_B;
  const words32: number[] = [];
  for (let i = 0; i < 8; i += 1) {
    let value = ((pool[i % POOL_SIZE] as number) ^ hashB) >>> 0;
    hashB = Math.imul(hashB, MULT_B) >>> 0;
    value = Math.imul(value, hashB) >>> 0;
    words32.push((value ^ (value >>> XSHIFT)) >>> 0);
  }
  const out: bigint[] = [];
  for (let i = 0; i < 8; i += 2)
    out.push(BigInt(words32[i] as number) | (BigInt(words32[i + 1] as number) << 32n));
  return out;
}

/** numpy's PCG64 bit generator (state and stream from a SeedSequence). */
export class Pcg64 {
  private state: bigint;
  private readonly increment: bigint;
  private buffered32: number | undefined;

  constructor(seed: number | bigint) {
    const [s0, s1, i0, i1] = seedSequenceState(seed) as [bigint, bigint, bigint, bigint];
    const initState = (s0 << 64n) | s1;
    const initSeq = (i0 << 64n) | i1;
    this.increment = ((initSeq << 1n) | 1n) & MASK128;
    this.state = 0n;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULTIPLIER + this.increment) & MASK128;
  }

  /** Next 64-bit output (step, then XSL-RR of the new state). */
  nextUint64(): bigint {
    this.step();
    const xored = ((this.state >> 64n) ^ this.state) & MASK64;
    const rotation = this.state >> 122n;
    return ((xored >> rotation) | (xored << ((64n - rotation) & 63n))) & MASK64;
  }

  /** Next 32-bit output: the low half of a fresh 64-bit draw, then its high half. */
  nextUint32(): number {
    if (this.buffered32 !== undefined) {
      const value = this.buffered32;
      this.buffered32 = undefined;
      return value;
    }
    const next = this.nextUint64();
    this.buffered32 = Number(next >> 32n);
    return Number(next & MASK32);
  }

  /** `Generator.random()`: a double in [0, 1) from the top 53 bits. */
  nextDouble(): number {
    return Number(this.nextUint64() >> 11n) * 2 ** -53;
  }

  /** numpy's `random_interval(max)`: uniform in [0, max] by masked rejection. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    if (max <= 0xffffffff) {
      for (;;) {
        const value = (this.nextUint32() & mask) >>> 0;
        if (value <= max) return value;
      }
    }
    throw new RangeError(`interval(${max}) above 2^32 is not supported`);
  }
}

/** `np.random.default_rng(seed).permutation(n)`. */
export function numpyPermutation(n: number, seed: number | bigint): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) order[i] = i;
  const rng = new Pcg64(seed);
  for (let i = n - 1; i >= 1; i -= 1) {
    const j = rng.interval(i);
    const held = order[i] as number;
    order[i] = order[j] as number;
    order[j] = held;
  }
  return order;
}
