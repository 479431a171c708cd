/**
 * `DatasetDict`: datasets keyed by split name (`train`, `validation`, `test`), with the per-split methods
 * of Python's `DatasetDict` and its printed form.
 */
import type {
  Batch,
  BatchFn,
  Dataset,
  FilterOptions,
  MapOptions,
  MapResult,
  Row,
  RowFn,
  ShuffleOptions,
  SortOptions,
} from './dataset.js';
import { DatasetUsageError } from './errors.js';

/** Split name → Dataset. Python: `datasets.DatasetDict`. */
export class DatasetDict<R extends Row = Row> implements Iterable<[string, Dataset<R>]> {
  private readonly splits: ReadonlyMap<string, Dataset<R>>;

  constructor(splits: Record<string, Dataset<R>> | Iterable<readonly [string, Dataset<R>]>) {
    const entries =
      Symbol.iterator in splits
        ? [...(splits as Iterable<readonly [string, Dataset<R>]>)]
        : Object.entries(splits);
    this.splits = new Map(entries);
  }

  /** The split `name`; throws naming the splits there are. */
  get(name: string): Dataset<R> {
    const split = this.splits.get(name);
    if (split === undefined)
      throw new DatasetUsageError(`No split "${name}"; splits are [${this.keys().join(', ')}].`);
    return split;
  }

  /** True when the split exists. */
  has(name: string): boolean {
    return this.splits.has(name);
  }

  /** Split names in order. */
  keys(): string[] {
    return [...this.splits.keys()];
  }

  /** `[name, dataset]` pairs. */
  [Symbol.iterator](): Iterator<[string, Dataset<R>]> {
    return this.splits.entries();
  }

  /** Rows per split (Python: `num_rows`). */
  get numRows(): Record<string, number> {
    return this.mapValues((split) => split.numRows);
  }

  /** Column names per split (Python: `column_names`). */
  get columnNames(): Record<string, string[]> {
    return this.mapValues((split) => split.columnNames);
  }

  /** `map` on every split. */
  map<Out extends Row = Row>(
    fn: RowFn<R, MapResult<Partial<Out>>>,
    options?: MapOptions & { batched?: false },
  ): DatasetDict<Out>;
  map<Out extends Row = Row>(
    fn: BatchFn<MapResult<Batch>>,
    options: MapOptions & { batched: true },
  ): DatasetDict<Out>;
  map<Out extends Row = Row>(
    fn: RowFn<R, unknown> | BatchFn<unknown>,
    options: MapOptions = {},
  ): DatasetDict<Out> {
    return this.each((split) => split.map(fn as never, options as never) as unknown as Dataset<Out>);
  }

  /** `filter` on every split. */
  filter(fn: RowFn<R, boolean>, options?: FilterOptions & { batched?: false }): DatasetDict<R>;
  filter(fn: BatchFn<readonly boolean[]>, options: FilterOptions & { batched: true }): DatasetDict<R>;
  filter(fn: RowFn<R, boolean> | BatchFn<readonly boolean[]>, options: FilterOptions = {}): DatasetDict<R> {
    return this.each((split) => split.filter(fn as never, options as never));
  }

  /** `shuffle` on every split, each with the same seed (Python does the same for an int seed). */
  shuffle(options: ShuffleOptions | number = {}): DatasetDict<R> {
    return this.each((split) => split.shuffle(options));
  }

  /** `sort` on every split. */
  sort(column: string, options: SortOptions = {}): DatasetDict<R> {
    return this.each((split) => split.sort(column, options));
  }

  /** `select` on every split (the same indices). */
  select(indices: Iterable<number>): DatasetDict<R> {
    const list = Array.from(indices);
    return this.each((split) => split.select(list));
  }

  /** `removeColumns` on every split. */
  removeColumns(names: string | readonly string[]): DatasetDict {
    return this.each((split) => split.removeColumns(names)) as DatasetDict;
  }

  /** `renameColumn` on every split. */
  renameColumn(from: string, to: string): DatasetDict {
    return this.each((split) => split.renameColumn(from, to)) as DatasetDict;
  }

  /** Python's repr: `DatasetDict({\n    train: Dataset({...})\n    ...\n})`. */
  toString(): string {
    const body = [...this.splits].map(([name, split]) => `${name}: ${split.toString()}`).join('\n');
    const indented = body.replace(/^/gm, '    ');
    return `DatasetDict({\n${indented}\n})`;
  }

  private each<T extends Row>(fn: (split: Dataset<R>, name: string) => Dataset<T>): DatasetDict<T> {
    return new DatasetDict<T>([...this.splits].map(([name, split]) => [name, fn(split, name)] as const));
  }

  private mapValues<T>(fn: (split: Dataset<R>) => T): Record<string, T> {
    return Object.fromEntries([...this.splits].map(([name, split]) => [name, fn(split)]));
  }
}
