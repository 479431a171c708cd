import { CollateConfigError, assertInteger } from './errors.js';
import { seededPermutation } from './mt19937.js';

/**
 * Gives the order in which a loader visits dataset indices, per epoch. `order(epoch)` must be a pure
 * function of the epoch so every process (and every rerun) sees the same order.
 */
export interface Sampler {
  /** Number of indices one epoch yields. */
  readonly length: number;
  /** The indices of one epoch, in visiting order. */
  order(epoch: number): number[];
}

/** `SequentialSampler`: 0, 1, ..., n-1 every epoch. */
export class SequentialSampler implements Sampler {
  constructor(readonly length: number) {
    assertInteger('length', length, 0);
  }

  order(): number[] {
    return Array.from({ length: this.length }, (_, i) => i);
  }
}

/**
 * accelerate's `SeedableRandomSampler`: epoch `e` visits `torch.randperm(n, generator=g)` with
 * `g = torch.Generator().manual_seed(seed + e)`. Same seed and epoch, same order, on any machine.
 */
export class SeededRandomSampler implements Sampler {
  readonly length: number;
  readonly seed: number;

  constructor(length: number, seed: number) {
    assertInteger('length', length, 0);
    if (!Number.isSafeInteger(seed)) throw new CollateConfigError('seed', `expected an integer, got ${seed}`);
    this.length = length;
    this.seed = seed;
  }

  order(epoch: number): number[] {
    return seededPermutation(this.length, this.seed + epoch);
  }
}
