import { CollateConfigError, assertInteger } from './errors.js';

/** One batch of dataset indices handed to one process. */
export interface ShardedBatch {
  /** Dataset indices of the batch, in order. */
  indices: number[];
  /**
   * How many of the trailing `indices` are repeats borrowed from the start of the epoch to even out the
   * batches (`evenBatches`). They are always at the end of the batch, and after gathering the last step
   * across processes they all sit after the first `remainder` samples.
   */
  duplicates: number;
}

/** Cuts an index order into batches like `torch.utils.data.BatchSampler(sampler, batchSize, dropLast)`. */
export function batchIndices(order: readonly number[], batchSize: number, dropLast: boolean): number[][] {
  assertInteger('batchSize', batchSize, 1);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    if (dropLast && batch.length < batchSize) break;
    batches.push(batch);
  }
  return batches;
}

/** Options of {@link shardBatches}. */
export interface ShardOptions {
  numProcesses: number;
  processIndex: number;
  /** The batch size the batches were cut with. */
  batchSize: number;
  /** Whether the batches were cut with dropLast (the batch sampler's drop_last). */
  dropLast: boolean;
  /** Repeat samples from the start so every process gets the same number of full batches. Default true. */
  evenBatches?: boolean;
}

/**
 * The batches one process of a data-parallel run gets, as accelerate's `BatchSamplerShard` (no
 * `split_batches`) deals them: batch k goes to process k mod numProcesses, and a group of batches is only
 * handed out once every process has a full one.
 *
 * - `dropLast`: an incomplete final group is dropped (some samples are never seen this epoch).
 * - `evenBatches` (default): the final incomplete group is completed with indices taken in order from the
 *   first `numProcesses` batches of the epoch (repeated if the dataset is tinier than one group), so all
 *   processes get the same number of batches, each of exactly `batchSize`. The repeats are counted in
 *   `duplicates`.
 * - neither: the leftover batches go to their processes as they are; later processes get one batch fewer.
 */
export function shardBatches(batches: readonly number[][], options: ShardOptions): ShardedBatch[] {
  const { numProcesses, processIndex, batchSize, dropLast } = options;
  const evenBatches = options.evenBatches ?? true;
  assertInteger('numProcesses', numProcesses, 1);
  assertInteger('processIndex', processIndex, 0);
  assertInteger('batchSize', batchSize, 1);
  if (processIndex >= numProcesses) {
    throw new CollateConfigError(
      'processIndex',
      `must be < numProcesses (${numProcesses}), got ${processIndex}`,
    );
  }
  const mine: ShardedBatch[] = [];
  // Complete groups: every process has a batch and the group's last batch is full.
  const completeGroups = countCompleteGroups(batches, numProcesses, batchSize);
  for (let group = 0; group < completeGroups; group++) {
    mine.push({ indices: [...batches[group * numProcesses + processIndex]!], duplicates: 0 });
  }
  if (dropLast || batches.length === 0) return mine;
  const leftover = batches.slice(completeGroups * numProcesses);
  if (leftover.length === 0) return mine;
  if (!evenBatches) {
    const own = leftover[processIndex];
    if (own !== undefined) mine.push({ indices: [...own], duplicates: 0 });
    return mine;
  }
  // The pool repeats come from: the first numProcesses batches of the epoch, doubled until it can fill a group.
  let pool = batches.slice(0, numProcesses).flat();
  while (pool.length < numProcesses * batchSize) pool = pool.concat(pool);
  let cursor = 0;
  for (let slot = 0; slot < numProcesses; slot++) {
    const real = leftover[slot] ?? [];
    const missing = batchSize - real.length;
    if (slot === processIndex) {
      mine.push({ indices: [...real, ...pool.slice(cursor, cursor + missing)], duplicates: missing });
    }
    cursor += missing;
  }
  return mine;
}

/** Groups of numProcesses batches that are yielded inside the main loop (last batch of the group full). */
function countCompleteGroups(batches: readonly number[][], numProcesses: number, batchSize: number): number {
  let groups = Math.floor(batches.length / numProcesses);
  // Only the very last batch can be short, and it ends the last group when the count divides evenly.
  if (
    groups > 0 &&
    groups * numProcesses === batches.length &&
    batches[batches.length - 1]!.length < batchSize
  ) {
    groups -= 1;
  }
  return groups;
}
