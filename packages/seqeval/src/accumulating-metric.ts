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
   * The option names `compute` takes (besides `predictions` and `references`), so that
   * `combine` in `@ner/evaluate` can hand each metric only its own options.
   */
  abstract readonly computeOptionNames: readonly string[];

  /**
   * Scores everything added (plus `predictions` / `references` given here, a
   * last batch) and clears what was added, like evaluate's
   * `compute(predictions=…, references=…, **kwargs)`. When it throws (an option it
   * does not take, a bad value), nothing is cleared and the last batch is not kept:
   * the metric is as before the call, so a corrected call scores the same examples.
   */
  compute(options: Options & Partial<AccumulatedBatch<Item>> = {} as Options): Result {
    this.checkComputeOptions(options);
    const { predictions, references, ...rest } = options;
    const before = this.predictions.length;
    if (predictions !== undefined || references !== undefined) {
      this.addBatch({ predictions: predictions ?? [], references: references ?? [] });
    }
    if (this.predictions.length === 0) throw this.noExamplesError();
    const allPredictions = this.predictions;
    const allReferences = this.references;
    this.predictions = [];
    this.references = [];
    try {
      return this.computeFrom(allPredictions, allReferences, rest as unknown as Options);
    } catch (error) {
      allPredictions.length = before;
      allReferences.length = before;
      this.predictions = allPredictions;
      this.references = allReferences;
      throw error;
    }
  }

  /**
   * Throws the metric's error when `options` (as given to `compute`, with `predictions` and
   * `references`) is not an object or has a name `compute` does not take; runs before anything changes.
   */
  protected abstract checkComputeOptions(options: object): void;
  /** The error for a batch whose predictions and references differ in number. */
  protected abstract batchLengthError(predictions: number, references: number): Error;
  /** The error for `compute` with nothing added. */
  protected abstract noExamplesError(): Error;
  /** The metric's `_compute`: scores one whole evaluation. */
  protected abstract computeFrom(predictions: Item[], references: Item[], options: Options): Result;
}
