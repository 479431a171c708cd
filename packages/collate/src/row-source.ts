/**
 * Anything that hands out rows by index: the `@ner/datasets` Dataset fits (it has `numRows` and `get(i)`),
 * and so does any object with those two members. Described structurally so this package does not depend
 * on the Dataset implementation.
 */
export interface IndexedRows<Row> {
  readonly numRows: number;
  get(index: number): Row;
}

/** What loaders and samplers accept: an array of rows or an {@link IndexedRows}. */
export type RowSource<Row> = readonly Row[] | IndexedRows<Row>;

/** Number of rows in a source. */
export function rowCount<Row>(source: RowSource<Row>): number {
  return isArray(source) ? source.length : source.numRows;
}

/** Row `index` of a source. */
export function rowAt<Row>(source: RowSource<Row>, index: number): Row {
  return isArray(source) ? (source[index] as Row) : source.get(index);
}

/** True when `value` can be used as a {@link RowSource}. */
export function isRowSource(value: unknown): value is RowSource<unknown> {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<IndexedRows<unknown>>;
  return typeof candidate.numRows === 'number' && typeof candidate.get === 'function';
}

function isArray<Row>(source: RowSource<Row>): source is readonly Row[] {
  return Array.isArray(source);
}
