import { PythonTypedError } from '@ner/seqeval/internal';

/**
 * Python exception classes that scikit-learn and numpy raise for the same input;
 * every error carries the one Python would have raised, so code ported from
 * Python can branch on it.
 */
export type PythonErrorType = 'TypeError' | 'ValueError' | 'ZeroDivisionError';

/**
 * Base class of every error thrown by `@ner/evaluate`: one `instanceof` check
 * separates bad input from bugs; `pythonType` names scikit-learn's exception.
 */
export class EvaluateError extends PythonTypedError<PythonErrorType> {
  override name = 'EvaluateError';
}

/**
 * A value scikit-learn rejects with `ValueError`: inconsistent lengths, continuous
 * targets, an unknown `average`, a `posLabel` that is not a label, a bad option.
 */
export class EvaluateValueError extends EvaluateError {
  override name = 'EvaluateValueError';
  constructor(message: string) {
    super('ValueError', message);
  }
}

/** Input of the wrong kind: string and number labels mixed, a non-array argument. */
export class EvaluateTypeError extends EvaluateError {
  override name = 'EvaluateTypeError';
  constructor(message: string) {
    super('TypeError', message);
  }
}

/** A weighted mean whose weights sum to zero (numpy: `Weights sum to zero, can't be normalized`). */
export class EvaluateZeroDivisionError extends EvaluateError {
  override name = 'EvaluateZeroDivisionError';
  constructor(message: string) {
    super('ZeroDivisionError', message);
  }
}
