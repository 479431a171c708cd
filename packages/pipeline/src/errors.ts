/**
 * Base class of every error thrown by `@ner/pipeline`, so callers can tell our
 * validation failures apart from bugs with one `instanceof` check.
 */
export class PipelineError extends Error {
  /** The class's own name (`PipelineModelError`, ...), set once here for every subclass. */
  override name = this.constructor.name;
}

/**
 * An option or option combination that Python's `transformers` rejects with a
 * `ValueError` (for example `aggregationStrategy: 'none'` together with `stride`).
 */
export class InvalidPipelineOptionError extends PipelineError {}

/** An aggregation strategy name that is not one of transformers' five (Python raises `KeyError`). */
export class UnknownAggregationStrategyError extends PipelineError {}

/** Model outputs or tokenizer outputs whose shapes do not fit together. */
export class PipelineInputShapeError extends PipelineError {}

/** A model folder or configuration that cannot serve the requested task (e.g. no `id2label`). */
export class PipelineModelError extends PipelineError {}
