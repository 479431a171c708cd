import { EvaluateValueError } from '../errors.js';
import type { Label, LabelArray } from '../labels.js';

/** One example for `add` (evaluate's `add(prediction=…, reference=…)`). */
export interface Example<P = Label, R = Label> {
  prediction: P;
  reference: R;
}

/** A batch for `addBatch` (evaluate's `add_batch(predictions=…, references=…)`). */
export interface Batch<P = Label, R = Label> {
  predictions: ArrayLike<P>;
  references: ArrayLike<R>;
}

/**
 * Hugging Face evaluate's `EvaluationModule`, in memory: `add` / `addBatch`
 * collect predictions and references as an evaluation loop produces them,
 * `compute` scores them all once and clears the module for the next round
 * (evaluate's `compute(predictions=…, references=…, **kwargs)` also takes a last batch).
 */
export abstract class EvaluationModule<Options extends object, Result> {
  /** The name `load` knows the module by (`'accuracy'`, `'f1'`, …). */
  abstract readonly name: string;
  private predictions: Label[] = [];
  private references: Label[] = [];

  /** Adds one example. */
  add(example: Example): void {
    this.predictions.push(example.prediction);
    this.references.push(example.reference);
  }

  /** Adds a batch; predictions and references must have the same length. */
  addBatch(batch: Batch): void {
    if (batch.predictions.length !== batch.references.length) {
      throw new EvaluateValueError(
        `${this.name}.addBatch: ${batch.predictions.length} predictions but ${batch.references.length} references`,
      );
    }
    for (let i = 0; i < batch.predictions.length; i++) {
      this.predictions.push(batch.predictions[i]!);
      this.references.push(batch.references[i]!);
    }
  }

  /** Number of examples added since the last `compute`. */
  get size(): number {
    return this.predictions.length;
  }

  /**
   * Scores everything added (plus `predictions` / `references` given here) with
   * the module's options, then clears what was added.
   */
  compute(options: Options & Partial<Batch> = {} as Options & Partial<Batch>): Result {
    const { predictions, references, ...rest } = options;
    if (predictions !== undefined || references !== undefined) {
      this.addBatch({ predictions: predictions ?? [], references: references ?? [] });
    }
    if (this.predictions.length === 0) {
      throw new EvaluateValueError(
        `${this.name}.compute() found no examples: call add() or addBatch() first, or pass predictions and references`,
      );
    }
    const allPredictions = this.predictions;
    const allReferences = this.references;
    this.predictions = [];
    this.references = [];
    return this.computeFrom(allPredictions, allReferences, rest as Options);
  }

  /** The module's `_compute`: scores one whole evaluation. */
  protected abstract computeFrom(predictions: LabelArray, references: LabelArray, options: Options): Result;
}
