/**
 * A row handed to a collator is malformed: a key is missing, a value has the wrong type, or
 * sequences that must line up (input_ids and labels) do not. `row` and `key` name the culprit.
 */
export class CollateError extends Error {
  override readonly name = 'CollateError';
  /** Index of the offending row within the list passed to `collate` (or the dataset index for loaders). */
  readonly row: number | undefined;
  /** The column (key) that is wrong. */
  readonly key: string | undefined;

  constructor(message: string, where: { row?: number; key?: string } = {}) {
    super(message);
    this.row = where.row;
    this.key = where.key;
  }
}

/** An option given to a collator, sampler or loader is out of range or inconsistent with another. */
export class CollateConfigError extends Error {
  override readonly name = 'CollateConfigError';
  /** The option that is wrong. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
  }
}

/** Throws a CollateConfigError unless `value` is an integer >= `min`. */
export function assertInteger(option: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new CollateConfigError(option, `expected an integer >= ${min}, got ${String(value)}`);
  }
}
