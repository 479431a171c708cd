/**
 * Errors thrown by `@ner/datasets`. Parsers say which file and line held the bad value and what was
 * expected, so a broken corpus is fixed in one look instead of by bisection.
 */

/** Base class of every error thrown by `@ner/datasets`. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** A file that does not parse: wrong column count, unknown tag, bad JSON, bad quoting, too large. */
export class DatasetFormatError extends DatasetError {
  override name = 'DatasetFormatError';
  constructor(
    /** File that holds the problem (or a label like `<string>`). */
    readonly file: string,
    /** 1-based line, or 0 when the problem is not on one line. */
    readonly line: number,
    detail: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${detail}`);
  }
}

/** A value that does not fit its feature (a label outside a ClassLabel, a string in an int column...). */
export class FeatureError extends DatasetError {
  override name = 'FeatureError';
}

/** A method call that cannot work on this dataset (unknown column, index out of range, bad option). */
export class DatasetUsageError extends DatasetError {
  override name = 'DatasetUsageError';
}
