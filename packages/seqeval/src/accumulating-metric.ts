/** Predictions and references as `addBatch` and `compute` take them. */
export interface AccumulatedBatch<Item> {
  predictions: ArrayLike<Item>;
  references: ArrayLike<Item>;
}

/**
 * Hugging Face evaluate's accumulating metric, in memory: `add` / `addBatch`
 * collect predictions and references as an evaluation loop produces them;
 * `compute` scores them all once and clears the metric for the next round.
 * The base of `Seqeval` and of `@ner/evaluate`'s `EvaluationModule`, which name
 * their own errors and do their own scoring.
 */
export abstract class AccumulatingMetric<Item, Options extends object, Result> {
  private predictions: Item[] = [];
  private references: Item[] = [];

  /** Adds one example (`add(prediction=…, reference=…)`). */
  add(example: { prediction: Item; reference: Item }): void {
    this.predictions.push(example.prediction);
    this.references.push(example.reference);
  }

  /** Adds a batch; predictions and references must have the same number of examples. */
  addBatch(batch: AccumulatedBatch<Item>): void {
    if (batch.predictions.length !== batch.references.length) {
      throw this.batchLengthError(batch.predictions.length, batch.references.length);
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
   * Scores everything added (plus `predictions` / `references` given here, a
   * last batch) and clears what was added, like evaluate's
   * `compute(predictions=…, references=…, **kwargs)`.
   */
  compute(options: Options & Partial<AccumulatedBatch<Item>> = {} as Options): Result {
    const { predictions, references, ...rest } = options;
    if (predictions !== undefined || references !== undefined) {
      this.addBatch({ predictions: predictions ?? [], references: references ?? [] });
    }
    if (this.predictions.length === 0) throw this.noExamplesError();
    const allPredictions = this.predictions;
    const allReferences = this.references;
    this.predictions = [];
    this.references = [];
    return this.computeFrom(allPredictions, allReferences, rest as unknown as Options);
  }

  /** The error for a batch whose predictions and references differ in number. */
  protected abstract batchLengthError(predictions: number, references: number): Error;
  /** The error for `compute` with nothing added. */
  protected abstract noExamplesError(): Error;
  /** The metric's `_compute`: scores one whole evaluation. */
  protected abstract computeFrom(predictions: Item[], references: Item[], options: Options): Result;
}
