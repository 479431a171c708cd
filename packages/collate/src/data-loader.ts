import type { FeatureRow } from './columns.js';
import { type HostBatch, defaultDataCollator } from './default-collator.js';
import { CollateConfigError, assertInteger } from './errors.js';
import { LengthGroupedSampler } from './length-grouping.js';
import { type RowSource, isRowSource, rowAt, rowCount } from './row-source.js';
import { type Sampler, SeededRandomSampler, SequentialSampler } from './samplers.js';
import { type ShardedBatch, batchIndices, shardBatches } from './shard-batches.js';
import { checkOptionNames } from './option-names.js';

/** A collate function, or a collator object with a `collate(rows)` method. */
export type CollateFn<Row, Batch> = ((rows: Row[]) => Batch) | { collate(rows: Row[]): Batch };

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions<Row, Batch> {
  /** Rows per batch (per process). Default 1, like torch. */
  batchSize?: number;
  /** Visit rows in a seeded random order (different each epoch). Default false. */
  shuffle?: boolean;
  /** Seed of the shuffle / length grouping; epoch `e` draws with `seed + e`. Default 42 (TrainingArguments.seed). */
  seed?: number;
  /** Drop the last incomplete batch (and, when sharded, an incomplete last group of batches). Default false. */
  dropLast?: boolean;
  /** Turns a list of rows into a batch. Default {@link defaultDataCollator}. */
  collateFn?: CollateFn<Row, Batch>;
  /**
   * Order rows so each batch holds rows of similar length (transformers' `group_by_length`), with a
   * {@link LengthGroupedSampler}. Always random (seeded), whatever `shuffle` says, as in Trainer.
   */
  groupByLength?: boolean;
  /** Sample lengths for `groupByLength`; default: the `length` column if rows have one, else `input_ids` length. */
  lengths?: ArrayLike<number>;
  /** Megabatch multiplier for `groupByLength` (default as transformers). */
  megabatchMult?: number;
  /** A custom index order; overrides `shuffle` and `groupByLength`. */
  sampler?: Sampler;
  /** Data-parallel processes sharing the epoch. Default 1. */
  numProcesses?: number;
  /** This process's rank, 0 ≤ processIndex < numProcesses. Default 0. */
  processIndex?: number;
  /**
   * When sharded, complete the last group of batches with samples from the start of the epoch so every
   * process runs the same number of full batches (accelerate's `even_batches`). Default true.
   */
  evenBatches?: boolean;
}

/** One step of {@link DataLoader.steps}: the batch plus the bookkeeping metrics code needs. */
export interface LoaderStep<Batch> {
  batch: Batch;
  /** Dataset indices of the rows in this batch. */
  indices: number[];
  /** Epoch the step belongs to. */
  epoch: number;
  /** 0-based step within the epoch (for this process). */
  step: number;
  /** True on this process's last batch of the epoch (accelerate's `end_of_dataloader`). */
  isLast: boolean;
  /** Trailing rows of this batch that repeat earlier samples (`evenBatches` padding); drop them from metrics. */
  duplicates: number;
}

/**
 * A seeded, shardable data loader (torch `DataLoader` + accelerate's `prepare`): iterate it for one
 * epoch of collated batches.
 *
 * Order: without `shuffle`, 0..n-1. With `shuffle`, epoch `e` visits
 * `torch.randperm(n, generator=torch.Generator().manual_seed(seed + e))` (accelerate's
 * SeedableRandomSampler; the generator is an exact MT19937 port). With `groupByLength`, that permutation
 * is grouped by length as transformers' LengthGroupedSampler does.
 *
 * Epochs: the loader starts at epoch 0 and moves to the next epoch each time an iteration runs to the
 * end (accelerate does the same); `setEpoch(e)` jumps anywhere, so `setEpoch(e)` before each epoch is
 * always safe.
 *
 * Sharding: with `numProcesses > 1` every process builds the same global batches and takes every
 * `numProcesses`-th one (accelerate's BatchSamplerShard); see {@link shardBatches} for `evenBatches`.
 * Gathered metrics of the last step must keep only the first {@link remainder} samples, exactly as
 * accelerate's `gather_for_metrics` does.
 */
export class DataLoader<Row = FeatureRow, Batch = HostBatch> implements Iterable<Batch> {
  readonly dataset: RowSource<Row>;
  readonly batchSize: number;
  readonly dropLast: boolean;
  readonly numProcesses: number;
  readonly processIndex: number;
  readonly evenBatches: boolean;
  readonly sampler: Sampler;
  private readonly collateRows: (rows: Row[]) => Batch;
  private currentEpoch = 0;
  private cachedPlan: { epoch: number; batches: ShardedBatch[] } | undefined;

  constructor(dataset: RowSource<Row>, options: DataLoaderOptions<Row, Batch> = {}) {
    checkOptionNames(options, 'DataLoader');
    if (!isRowSource(dataset)) {
      throw new CollateConfigError(
        'dataset',
        'expected an array of rows or an object with numRows and get(i)',
      );
    }
    this.dataset = dataset;
    this.batchSize = options.batchSize ?? 1;
    assertInteger('batchSize', this.batchSize, 1);
    this.dropLast = options.dropLast ?? false;
    this.numProcesses = options.numProcesses ?? 1;
    this.processIndex = options.processIndex ?? 0;
    assertInteger('numProcesses', this.numProcesses, 1);
    assertInteger('processIndex', this.processIndex, 0);
    if (this.processIndex >= this.numProcesses) {
      throw new CollateConfigError(
        'processIndex',
        `must be < numProcesses (${this.numProcesses}), got ${this.processIndex}`,
      );
    }
    this.evenBatches = options.evenBatches ?? true;
    const seed = options.seed ?? 42;
    if (!Number.isSafeInteger(seed)) throw new CollateConfigError('seed', `expected an integer, got ${seed}`);
    const n = rowCount(dataset);
    if (options.sampler !== undefined) {
      if (options.sampler.length !== n) {
        throw new CollateConfigError(
          'sampler',
          `sampler covers ${options.sampler.length} rows, dataset has ${n}`,
        );
      }
      this.sampler = options.sampler;
    } else if (options.groupByLength) {
      this.sampler = new LengthGroupedSampler({
        batchSize: this.batchSize,
        seed,
        ...(options.lengths !== undefined
          ? { lengths: options.lengths }
          : { dataset: dataset as unknown as RowSource<FeatureRow> }),
        ...(options.megabatchMult !== undefined ? { megabatchMult: options.megabatchMult } : {}),
      });
      if (this.sampler.length !== n) {
        throw new CollateConfigError('lengths', `has ${this.sampler.length} entries, dataset has ${n} rows`);
      }
    } else if (options.shuffle) {
      this.sampler = new SeededRandomSampler(n, seed);
    } else {
      this.sampler = new SequentialSampler(n);
    }
    const collate = options.collateFn ?? (defaultDataCollator as unknown as CollateFn<Row, Batch>);
    this.collateRows = typeof collate === 'function' ? collate : (rows) => collate.collate(rows);
  }

  /**
   * Collates `rows` into a batch with this loader's `collateFn` (or the default collator), so a
   * loader rebuilt for another shard (accelerate's `prepare`) collates exactly alike.
   */
  collate(rows: Row[]): Batch {
    return this.collateRows(rows);
  }

  /** Number of rows in the dataset. */
  get numRows(): number {
    return rowCount(this.dataset);
  }

  /** The epoch the next iteration runs. */
  get epoch(): number {
    return this.currentEpoch;
  }

  /** Makes the next iteration run epoch `epoch` (torch `sampler.set_epoch`). */
  setEpoch(epoch: number): void {
    assertInteger('epoch', epoch, 0);
    this.currentEpoch = epoch;
  }

  /** Batches this process runs per epoch (accelerate's `len(dataloader)`). */
  get length(): number {
    return this.plan(this.currentEpoch).length;
  }

  /** Batch size across all processes (accelerate's `total_batch_size`). */
  get totalBatchSize(): number {
    return this.batchSize * this.numProcesses;
  }

  /**
   * accelerate's `GradientState.remainder`: -1 with `dropLast`, else numRows mod totalBatchSize. When it is
   * > 0, the last step's gathered (all-process, in process order) predictions hold `remainder` real samples
   * followed by evenBatches repeats; keep only the first `remainder`.
   */
  get remainder(): number {
    return this.dropLast ? -1 : this.numRows % this.totalBatchSize;
  }

  /**
   * Rows repeated across all processes in one epoch to even out batches (0 without sharding, with
   * `dropLast`, or with `evenBatches: false`). With `evenBatches` it equals totalBatchSize − remainder
   * whenever remainder > 0.
   */
  get duplicatedSamples(): number {
    if (this.numProcesses === 1 || this.dropLast || !this.evenBatches) return 0;
    const batches = this.length;
    return batches * this.totalBatchSize - this.numRows;
  }

  /** This process's batches of dataset indices for `epoch` (default: the current one). */
  batchIndices(epoch: number = this.currentEpoch): number[][] {
    return this.plan(epoch).map((batch) => [...batch.indices]);
  }

  /** Iterates the current epoch's batches with their indices and bookkeeping, then advances the epoch. */
  *steps(): Generator<LoaderStep<Batch>, void, undefined> {
    const epoch = this.currentEpoch;
    const plan = this.plan(epoch);
    for (let step = 0; step < plan.length; step++) {
      const { indices, duplicates } = plan[step]!;
      const rows = indices.map((index) => rowAt(this.dataset, index));
      yield {
        batch: this.collateRows(rows),
        indices: [...indices],
        epoch,
        step,
        isLast: step === plan.length - 1,
        duplicates,
      };
    }
    // Only a completed pass moves on, so breaking out early replays the same epoch (accelerate does the same).
    if (this.currentEpoch === epoch) this.currentEpoch = epoch + 1;
  }

  /** Iterates the current epoch's collated batches, then advances the epoch. */
  *[Symbol.iterator](): Iterator<Batch> {
    for (const step of this.steps()) yield step.batch;
  }

  private plan(epoch: number): ShardedBatch[] {
    if (this.cachedPlan?.epoch === epoch) return this.cachedPlan.batches;
    const order = this.sampler.order(epoch);
    const batches = batchIndices(order, this.batchSize, this.dropLast);
    // accelerate only wraps the batch sampler when there is more than one process.
    const sharded =
      this.numProcesses === 1
        ? batches.map((indices) => ({ indices, duplicates: 0 }))
        : shardBatches(batches, {
            numProcesses: this.numProcesses,
            processIndex: this.processIndex,
            batchSize: this.batchSize,
            dropLast: this.dropLast,
            evenBatches: this.evenBatches,
          });
    this.cachedPlan = { epoch, batches: sharded };
    return sharded;
  }
}
