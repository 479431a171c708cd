import type { DataLoader, LoaderStep } from '@ner/collate';
import type { LrScheduler } from './contracts.js';

/** accelerate's `GradientState` bits that `gatherForMetrics` needs. */
export interface GradientState {
  endOfDataloader: boolean;
  remainder: number;
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

/** A scheduler stepped once per process on each `step()` (accelerate's `AcceleratedScheduler`). */
export class AcceleratedScheduler {
  constructor(
    readonly scheduler: LrScheduler,
    private readonly stepsPerCall: number,
  ) {}
  step(): void {
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
