import { AccumulatingMetric } from '@ner/seqeval/internal';
import { assertOptionNames } from '../../../../tools/option-names/index.js';
import { EvaluateValueError } from '../errors.js';
import { optionNameError } from '../option-names.js';
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
export abstract class EvaluationModule<Options extends object, Result> extends AccumulatingMetric<
  Label,
  Options,
  Result
> {
  /** The name `load` knows the module by (`'accuracy'`, `'f1'`, …). */
  abstract readonly name: string;

  /** The options `compute` takes besides `predictions` and `references`. */
  abstract override readonly computeOptionNames: readonly string[];

  /**
   * An option the module does not take is evaluate's `TypeError: _compute() got an unexpected
   * keyword argument`, here before the examples are touched.
   */
  protected checkComputeOptions(options: object): void {
    assertOptionNames(
      options,
      { known: [...this.computeOptionNames, 'predictions', 'references'] },
      (name, problem) => optionNameError(`${this.name}.compute`, name, problem),
    );
  }

  protected batchLengthError(predictions: number, references: number): Error {
    return new EvaluateValueError(
      `${this.name}.addBatch: ${predictions} predictions but ${references} references`,
    );
  }

  protected noExamplesError(): Error {
    return new EvaluateValueError(
      `${this.name}.compute() found no examples: call add() or addBatch() first, or pass predictions and references`,
    );
  }

  /** The module's `_compute`: scores one whole evaluation. */
  protected abstract override computeFrom(
    predictions: LabelArray,
    references: LabelArray,
    options: Options,
  ): Result;
}
