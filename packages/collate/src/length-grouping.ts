import { type FeatureRow, describeValue, isSequence } from './columns.js';
import { CollateConfigError, CollateError, assertInteger } from './errors.js';
import { seededPermutation } from './mt19937.js';
import { type RowSource, rowAt, rowCount } from './row-source.js';
import type { Sampler } from './samplers.js';

/** transformers' default megabatch multiplier: min(n / (4 × batchSize), 50), at least 1. */
export function defaultMegabatchMult(numSamples: number, batchSize: number): number {
  return Math.max(1, Math.min(Math.floor(numSamples / (batchSize * 4)), 50));
}

/**
 * The deterministic half of transformers' `get_length_grouped_indices`: cut `permutation` into
 * megabatches of `megabatchMult × batchSize` indices, sort each by length (longest first, ties keep their
 * order, as Python's stable `sorted(..., reverse=True)`), then swap the longest sample of all into the very
 * first position so an out-of-memory batch shows up at step 0.
 */
export function groupIndicesByLength(
  permutation: readonly number[],
  lengths: ArrayLike<number>,
  batchSize: number,
  megabatchMult: number = defaultMegabatchMult(lengths.length, batchSize),
): number[] {
  assertInteger('batchSize', batchSize, 1);
  assertInteger('megabatchMult', megabatchMult, 1);
  const megabatchSize = megabatchMult * batchSize;
  const megabatches: number[][] = [];
  for (let start = 0; start < permutation.length; start += megabatchSize) {
    const megabatch = permutation.slice(start, start + megabatchSize);
    // Array.prototype.sort is stable, so equal lengths keep their permuted order like Python's sorted().
    megabatch.sort((a, b) => lengths[b]! - lengths[a]!);
    megabatches.push(megabatch);
  }
  if (megabatches.length > 0) {
    // torch.argmax returns the first maximum: keep the earliest megabatch among ties.
    let longest = 0;
    for (let m = 1; m < megabatches.length; m++) {
      if (lengths[megabatches[m]![0]!]! > lengths[megabatches[longest]![0]!]!) longest = m;
    }
    const head = megabatches[0]!;
    const other = megabatches[longest]!;
    [head[0], other[0]] = [other[0]!, head[0]!];
  }
  return megabatches.flat();
}

/** Options of {@link LengthGroupedSampler}. */
export interface LengthGroupedSamplerOptions {
  /** Batch size the groups are cut for (Trainer passes per-device batch × gradient accumulation steps). */
  batchSize: number;
  /** One length per sample. Give this or `dataset`. */
  lengths?: ArrayLike<number>;
  /** Rows to measure: their `lengthColumnName` column if row 0 has it, else the length of `modelInputName`. */
  dataset?: RowSource<FeatureRow>;
  /** Column holding precomputed lengths (Trainer's `length_column_name`). Default `'length'`. */
  lengthColumnName?: string;
  /** Column whose length is the sample length. Default `'input_ids'`. */
  modelInputName?: string;
  /** Seed of the permutation; epoch `e` uses `seed + e`. Default 42. */
  seed?: number;
  /** Megabatch size in batches. Default: min(n / (4 × batchSize), 50), at least 1, as transformers. */
  megabatchMult?: number;
}

/**
 * transformers' `LengthGroupedSampler` (`group_by_length=True`): a random order in which runs of
 * `batchSize` samples have similar lengths, so batches carry less padding, with the longest sample first.
 * Epoch `e` permutes with `torch.randperm(n, generator=torch.Generator().manual_seed(seed + e))` and then
 * groups ({@link groupIndicesByLength}).
 */
export class LengthGroupedSampler implements Sampler {
  readonly lengths: Int32Array;
  readonly batchSize: number;
  readonly seed: number;
  readonly megabatchMult: number;

  constructor(options: LengthGroupedSamplerOptions) {
    assertInteger('batchSize', options.batchSize, 1);
    this.batchSize = options.batchSize;
    this.seed = options.seed ?? 42;
    if (!Number.isSafeInteger(this.seed))
      throw new CollateConfigError('seed', `expected an integer, got ${this.seed}`);
    if (options.lengths !== undefined) {
      this.lengths = Int32Array.from(options.lengths);
    } else if (options.dataset !== undefined) {
      this.lengths = measureLengths(
        options.dataset,
        options.lengthColumnName ?? 'length',
        options.modelInputName ?? 'input_ids',
      );
    } else {
      throw new CollateConfigError('lengths', 'one of dataset and lengths must be provided');
    }
    this.megabatchMult = options.megabatchMult ?? defaultMegabatchMult(this.lengths.length, this.batchSize);
    assertInteger('megabatchMult', this.megabatchMult, 1);
  }

  get length(): number {
    return this.lengths.length;
  }

  order(epoch: number): number[] {
    const permutation = seededPermutation(this.lengths.length, this.seed + epoch);
    return groupIndicesByLength(permutation, this.lengths, this.batchSize, this.megabatchMult);
  }
}

/** Sample lengths read from rows: the `lengthColumn` column when row 0 has it, else `len(row[inputName])`. */
export function measureLengths(
  dataset: RowSource<FeatureRow>,
  lengthColumn: string,
  inputName: string,
): Int32Array {
  const n = rowCount(dataset);
  const lengths = new Int32Array(n);
  if (n === 0) return lengths;
  const first = rowAt(dataset, 0);
  const useColumn = typeof first === 'object' && first !== null && lengthColumn in first;
  if (!useColumn && (typeof first !== 'object' || first === null || !(inputName in first))) {
    throw new CollateConfigError(
      'dataset',
      `can only infer lengths for rows that are objects with a '${inputName}' key (or a '${lengthColumn}' column); ` +
        'pass lengths instead',
    );
  }
  for (let i = 0; i < n; i++) {
    const row = rowAt(dataset, i);
    const value = row?.[useColumn ? lengthColumn : inputName];
    if (useColumn) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new CollateError(
          `row ${i}, '${lengthColumn}': expected a length, got ${describeValue(value)}`,
          {
            row: i,
            key: lengthColumn,
          },
        );
      }
      lengths[i] = value;
    } else {
      if (!isSequence(value)) {
        throw new CollateError(`row ${i}, '${inputName}': expected a list, got ${describeValue(value)}`, {
          row: i,
          key: inputName,
        });
      }
      lengths[i] = value.length;
    }
  }
  return lengths;
}
