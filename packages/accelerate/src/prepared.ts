import type { DataLoader, LoaderStep } from '@ner/collate';
import type { LrScheduler } from './contracts.js';

/**
 * accelerate's `GradientState`, shared by an Accelerator and what it prepares: where the current
 * prepared loader stands (for `gatherForMetrics`) and whether gradients are synchronised on this
 * micro-batch (for `accumulate` and prepared schedulers).
 */
export interface GradientState {
  /** The batch being processed is the last of its loader. */
  endOfDataloader: boolean;
  /** Samples of the last batch that were added to even out batches, or -1 (accelerate's `remainder`). */
  remainder: number;
  /** This micro-batch ends an accumulation group: optimizer and scheduler step (accelerate's `sync_gradients`). */
  syncGradients: boolean;
}

/**
 * A data loader sharded for this process (accelerate's `DataLoaderShard`):
 * iterating it tells the Accelerator when the last batch comes, so
 * `gatherForMetrics` can drop the samples repeated to even out batches.
 */
export class PreparedDataLoader<Row = unknown, Batch = unknown> implements Iterable<Batch> {
  constructor(
    readonly loader: DataLoader<Row, Batch>,
    private readonly state: GradientState,
  ) {}
  get length(): number {
    return this.loader.length;
  }
  get numRows(): number {
    return this.loader.numRows;
  }
  get totalBatchSize(): number {
    return this.loader.totalBatchSize;
  }
  setEpoch(epoch: number): void {
    this.loader.setEpoch(epoch);
  }
  *steps(): Generator<LoaderStep<Batch>, void, undefined> {
    for (const step of this.loader.steps()) {
      this.state.endOfDataloader = step.isLast;
      this.state.remainder = this.loader.remainder;
      yield step;
    }
  }
  *[Symbol.iterator](): Iterator<Batch> {
    for (const step of this.steps()) yield step.batch;
  }
}

/**
 * A scheduler stepped once per process on each `step()` (accelerate's `AcceleratedScheduler`),
 * and not at all while gradients are being accumulated (`step()` on a micro-batch that does not
 * end its group does nothing, as the optimizer does not step then either).
 */
export class AcceleratedScheduler {
  constructor(
    readonly scheduler: LrScheduler,
    private readonly stepsPerCall: number,
    private readonly state?: Pick<GradientState, 'syncGradients'>,
  ) {}
  step(): void {
    if (this.state && !this.state.syncGradients) return;
    for (let i = 0; i < this.stepsPerCall; i++) this.scheduler.step();
  }
  getLastLr(): number[] {
    return this.scheduler.getLastLr();
  }
  stateDict() {
    return this.scheduler.stateDict();
  }
}

/** What `prepare` turns each argument into. */
export type Prepared<T> = T extends LrScheduler
  ? AcceleratedScheduler
  : T extends DataLoader<infer R, infer B>
    ? PreparedDataLoader<R, B>
    : T;
