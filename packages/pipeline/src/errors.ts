/**
 * Base class of every error thrown by `@ner/pipeline`, so callers can tell our
 * validation failures apart from bugs with one `instanceof` check.
 */
export class PipelineError extends Error {
  override name = 'PipelineError';
}

/**
 * An option or option combination that Python's `transformers` rejects with a
 * `ValueError` (for example `aggregationStrategy: 'none'` together with `stride`).
 */
export class InvalidPipelineOptionError extends PipelineError {
  override name = 'InvalidPipelineOptionError';
}

/** An aggregation strategy name that is not one of transformers' five (Python raises `KeyError`). */
export class UnknownAggregationStrategyError extends PipelineError {
  override name = 'UnknownAggregationStrategyError';
}

/** Model outputs or tokenizer outputs whose shapes do not fit together. */
export class PipelineInputShapeError extends PipelineError {
  override name = 'PipelineInputShapeError';
}

/** A model folder or configuration that cannot serve the requested task (e.g. no `id2label`). */
export class PipelineModelError extends PipelineError {
  override name = 'PipelineModelError';
}
