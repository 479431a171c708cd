/**
 * The columns `Dataset.map` collects from its function, row by row or batch
 * by batch, with the checks Python makes: every call returns the same columns,
 * a batch returns equal-length arrays, and a batched function that changes the
 * row count leaves no input column misaligned.
 */
import { DatasetUsageError } from './errors.js';
import { pythonRepr } from './python-repr.js';

/** The part of a dataset `map` reads: its rows, batches and column names. */
export interface MapSource<R> {
  readonly numRows: number;
  readonly columnNames: string[];
  get(index: number): R;
  slice(start: number, end: number): Record<string, unknown[]>;
}

/** Output columns by name, in the order the function first returned them. */
export class MapOutputs {
  readonly columns = new Map<string, unknown[]>();
  rows = 0;

  /** Appends what one call returned (`rows` rows; a batch's values are arrays), `at` naming the call. */
  collect(part: Record<string, unknown>, rows: number, asBatch: boolean, at: string): void {
    for (const [name, value] of Object.entries(part)) {
      let column = this.columns.get(name);
      if (column === undefined) {
        if (this.rows > 0)
          throw new DatasetUsageError(
            `map: ${at} returned a new column "${name}" that earlier calls did not return.`,
          );
        column = [];
        this.columns.set(name, column);
      }
      if (asBatch) {
        if (!Array.isArray(value) || value.length !== rows) {
          throw new DatasetUsageError(
            `map: ${at} returned column "${name}" with ${Array.isArray(value) ? value.length : 'no'} values; expected ${rows} (one per output row).`,
          );
        }
        for (const item of value) column.push(item);
      } else {
        column.push(value);
      }
    }
    this.rows += rows;
    for (const [name, column] of this.columns) {
      if (column.length !== this.rows)
        throw new DatasetUsageError(`map: ${at} did not return column "${name}".`);
    }
  }
}

/** Runs a per-row `map` function over every row. */
export function mapRows<R>(
  source: MapSource<R>,
  fn: (row: R, index: number) => unknown,
  outputs: MapOutputs,
): void {
  for (let i = 0; i < source.numRows; i += 1) {
    const result = fn(source.get(i), i);
    if (result !== undefined && result !== null && (typeof result !== 'object' || Array.isArray(result))) {
      throw new DatasetUsageError(
        `map: row ${i}: the function must return an object of columns (or nothing), got ${pythonRepr(result)}.`,
      );
    }
    outputs.collect((result ?? {}) as Record<string, unknown>, 1, false, `row ${i}`);
  }
}

/**
 * Runs a batched `map` function over batches of `batchSize` rows. When it
 * changes the number of rows, every input column must be removed or returned.
 */
export function mapBatches<R>(
  source: MapSource<R>,
  fn: (batch: Record<string, unknown[]>, indices: number[]) => unknown,
  batchSize: number,
  removed: readonly string[],
  outputs: MapOutputs,
): void {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new DatasetUsageError(`map: batchSize must be a positive integer, got ${batchSize}.`);
  let changedLength = false;
  for (let start = 0; start < source.numRows; start += batchSize) {
    const end = Math.min(source.numRows, start + batchSize);
    const at = `batch ${start}-${end - 1}`;
    const indices = Array.from({ length: end - start }, (_, k) => start + k);
    const result = fn(source.slice(start, end), indices);
    if (result === undefined || result === null) {
      outputs.collect({}, end - start, true, at);
      continue;
    }
    const lengths = new Set(
      Object.values(result as Record<string, unknown>).map((values) =>
        Array.isArray(values) ? values.length : -1,
      ),
    );
    if (lengths.size > 1 || lengths.has(-1)) {
      throw new DatasetUsageError(`map: ${at} returned columns of different lengths or non-arrays.`);
    }
    const rows = lengths.size === 0 ? end - start : ([...lengths][0] as number);
    if (rows !== end - start) changedLength = true;
    outputs.collect(result as Record<string, unknown>, rows, true, at);
  }
  if (!changedLength) return;
  const kept = source.columnNames.filter((name) => !removed.includes(name) && !outputs.columns.has(name));
  if (kept.length > 0) {
    throw new DatasetUsageError(
      `map: the batched function changed the number of rows (${source.numRows} → ${outputs.rows}), so the input columns ` +
        `[${kept.join(', ')}] no longer line up; list them in removeColumns or return them.`,
    );
  }
}
