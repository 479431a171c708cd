import { assertInteger } from './errors.js';

const STATE_SIZE = 624;
const SHIFT_SIZE = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const TWO_POW_32 = 2 ** 32;

/**
 * The 32-bit Mersenne Twister exactly as PyTorch's CPU generator runs it: `torch.Generator().manual_seed(s)`
 * seeds a standard MT19937 with the low 32 bits of `s` (Knuth's 1812433253 initialisation), and every
 * `generator.random()` call in ATen is one tempered 32-bit output. Reproducing the engine bit for bit is what
 * lets {@link randperm} give the same permutation as `torch.randperm(n, generator=g)`.
 */
export class Mt19937 {
  private readonly state = new Uint32Array(STATE_SIZE);
  private index = STATE_SIZE;

  /** @param seed any integer; like torch, only its low 32 bits matter (negative seeds wrap as uint64). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Mt19937 seed: expected a safe integer, got ${String(seed)}`);
    }
    // Low 32 bits of the two's-complement value, which is what torch keeps for negative seeds too.
    const low = ((seed % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
    this.state[0] = low;
    for (let i = 1; i < STATE_SIZE; i++) {
      const prev = this.state[i - 1]!;
      this.state[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** The next 32-bit output (an integer in [0, 2^32)), like ATen's `CPUGeneratorImpl::random()`. */
  nextUint32(): number {
    if (this.index >= STATE_SIZE) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < STATE_SIZE; i++) {
      const y = (s[i]! & UPPER_MASK) | (s[(i + 1) % STATE_SIZE]! & LOWER_MASK);
      let next = s[(i + SHIFT_SIZE) % STATE_SIZE]! ^ (y >>> 1);
      if (y & 1) next ^= MATRIX_A;
      s[i] = next >>> 0;
    }
    this.index = 0;
  }
}

/**
 * A random permutation of 0..n-1 drawn the way `torch.randperm(n, generator=g)` draws it on the CPU for
 * n < 2^32 / 20: start from the identity and, for i = 0..n-2, swap position i with i + (random() % (n - i)).
 * It consumes exactly max(n - 1, 0) outputs of the generator.
 */
export function randperm(n: number, generator: Mt19937): number[] {
  assertInteger('randperm n', n, 0);
  if (n >= Math.floor(0xffffffff / 20)) {
    // torch switches to a 64-bit draw above this size; nobody shuffles 214M rows through a JS loader.
    throw new RangeError(`randperm: n = ${n} is beyond the size torch draws with 32-bit outputs`);
  }
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const j = i + (generator.nextUint32() % (n - i));
    const saved = order[i]!;
    order[i] = order[j]!;
    order[j] = saved;
  }
  return order;
}

/** `torch.randperm(n, generator=torch.Generator().manual_seed(seed))`. */
export function seededPermutation(n: number, seed: number): number[] {
  return randperm(n, new Mt19937(seed));
}
