/**
 * `Dataset`: an immutable, columnar table with typed columns, the way 🤗 Datasets' `Dataset` behaves for
 * the operations the tutorials use. Every method returns a new Dataset; column arrays are shared, never
 * mutated. Shuffling uses numpy's `default_rng(seed).permutation`, so seeds give Python's order.
 */
import { rename, writeFile } from 'node:fs/promises';
import { DatasetDict } from './dataset-dict.js';
import { DatasetUsageError } from './errors.js';
import { type FeatureType, Features, inferFeature } from './features.js';
import { numpyPermutation } from './numpy-permutation.js';
import { MapOutputs, mapBatches, mapRows } from './map-outputs.js';
import { getOwn, setOwn } from './own-property.js';
import { pythonRepr } from './python-repr.js';
import { type TrainTestSplitOptions, randomSeed, trainTestIndices } from './train-test-split.js';
import { checkOptionNames } from './option-names.js';

export { splitSizes, type TrainTestSplitOptions } from './train-test-split.js';

/** One row: column name → value. */
export type Row = Record<string, unknown>;

/** A batch: column name → values, as `map(..., {batched: true})` passes and returns. */
export type Batch = Record<string, unknown[]>;

/** Options of {@link Dataset.map}. */
export interface MapOptions {
  /** Call `fn` on batches (`{column: values[]}`) instead of single rows (default false). */
  readonly batched?: boolean;
  /** Rows per batch when batched (default 1000, like Python). */
  readonly batchSize?: number;
  /** Columns dropped from the input before the output is merged (output columns of the same name stay). */
  readonly removeColumns?: string | readonly string[];
  /** Types of the output columns; columns `fn` returns are otherwise inferred, as Python does. */
  readonly features?: Features;
}

/** Options of {@link Dataset.filter}. */
export interface FilterOptions {
  readonly batched?: boolean;
  readonly batchSize?: number;
}

/** Options of {@link Dataset.shuffle}. */
export interface ShuffleOptions {
  /** The seed of numpy's `default_rng` [a random one]. */
  readonly seed?: number;
}

/** Options of {@link Dataset.sort}. */
export interface SortOptions {
  /** Largest first [false]. */
  readonly reverse?: boolean;
}

/** What a map function may return: columns, or nothing (the row is kept unchanged). */
// biome-ignore lint/suspicious/noConfusingVoidType: functions that return nothing have type void, which callers must be able to pass.
export type MapResult<T> = T | undefined | void;

/** A per-row function: the row and its index. */
export type RowFn<In, Out> = (row: In, index: number) => Out;
/** A per-batch function: columns of the batch and the rows' indices. */
export type BatchFn<Out> = (batch: Batch, indices: number[]) => Out;

/** Immutable columnar dataset. Python: `datasets.Dataset`. */
export class Dataset<R extends Row = Row> implements Iterable<R> {
  private readonly columns: ReadonlyMap<string, readonly unknown[]>;
  /** Column types, in column order. */
  readonly features: Features;
  /** Number of rows. */
  readonly numRows: number;

  /** Use {@link Dataset.fromColumns} or {@link Dataset.fromRows}; readers call this with checked data. */
  constructor(columns: ReadonlyMap<string, readonly unknown[]>, features: Features) {
    const names = [...columns.keys()];
    const featureNames = features.names;
    if (names.length !== featureNames.length || names.some((name, i) => name !== featureNames[i])) {
      throw new DatasetUsageError(
        `Columns [${names.join(', ')}] do not match features [${featureNames.join(', ')}].`,
      );
    }
    const lengths = new Set([...columns.values()].map((values) => values.length));
    if (lengths.size > 1) {
      const detail = [...columns].map(([name, values]) => `${name}=${values.length}`).join(', ');
      throw new DatasetUsageError(`All columns must have the same number of rows; got ${detail}.`);
    }
    this.columns = columns;
    this.features = features;
    this.numRows = lengths.size === 0 ? 0 : ([...lengths][0] as number);
  }

  /**
   * A dataset from column arrays (Python: `Dataset.from_dict`). Features are inferred where not given;
   * every value is checked against its feature.
   */
  static fromColumns<T extends Row = Row>(
    columns: Record<string, readonly unknown[]>,
    options: { features?: Features } = {},
  ): Dataset<T> {
    const names = options.features?.names ?? Object.keys(columns);
    const map = new Map<string, readonly unknown[]>();
    const types: [string, FeatureType][] = [];
    for (const name of names) {
      const values = getOwn(columns, name) as readonly unknown[] | undefined;
      if (values === undefined)
        throw new DatasetUsageError(`Features name column "${name}", which the data does not have.`);
      const feature = options.features?.get(name) ?? inferFeature(values, `column "${name}"`);
      for (let i = 0; i < values.length; i += 1) feature.validate(values[i], `column "${name}", row ${i}`);
      map.set(name, values);
      types.push([name, feature]);
    }
    for (const name of Object.keys(columns)) {
      if (!map.has(name))
        throw new DatasetUsageError(`Column "${name}" has no feature in the given Features.`);
    }
    return new Dataset<T>(map, new Features(types));
  }

  /** A dataset from row objects (Python: `Dataset.from_list`); columns come from the first row's keys. */
  static fromRows<T extends Row = Row>(
    rows: readonly T[],
    options: { features?: Features } = {},
  ): Dataset<T> {
    const names = options.features?.names ?? Object.keys(rows[0] ?? {});
    const columns: Record<string, unknown[]> = {};
    for (const name of names)
      setOwn(
        columns,
        name,
        rows.map((row) => getOwn(row, name) ?? null),
      );
    return Dataset.fromColumns<T>(columns, options);
  }

  /** Column names in order (Python: `column_names`). */
  get columnNames(): string[] {
    return [...this.columns.keys()];
  }

  /** Row `index` as an object; negative indices count from the end, like Python. */
  get(index: number): R {
    const i = this.checkIndex(index);
    const row: Row = {};
    for (const [name, values] of this.columns) setOwn(row, name, values[i]);
    return row as R;
  }

  /** All values of a column (Python: `ds["tokens"]`). Treat as read-only: it is shared. */
  column(name: string): readonly unknown[] {
    const values = this.columns.get(name);
    if (values === undefined) {
      throw new DatasetUsageError(
        `Column "${name}" not in the dataset; columns are [${this.columnNames.join(', ')}].`,
      );
    }
    return values;
  }

  /** Rows `[start, end)` as a batch of columns (Python: `ds[start:end]`). */
  slice(start: number, end: number = this.numRows): Batch {
    const from = Math.max(0, Math.min(this.numRows, start < 0 ? this.numRows + start : start));
    const to = Math.max(from, Math.min(this.numRows, end < 0 ? this.numRows + end : end));
    const batch: Batch = {};
    for (const [name, values] of this.columns) setOwn(batch, name, values.slice(from, to));
    return batch;
  }

  *[Symbol.iterator](): Iterator<R> {
    for (let i = 0; i < this.numRows; i += 1) yield this.get(i);
  }

  /**
   * Applies `fn` to every row (or batch) and merges what it returns into the row (Python: `map`).
   * Columns `fn` returns get inferred features unless `options.features` names them; columns it does
   * not touch keep theirs (so `ner_tags` stays a ClassLabel sequence unless `fn` rewrites it).
   */
  map<Out extends Row = Row>(
    fn: RowFn<R, MapResult<Partial<Out>>>,
    options?: MapOptions & { batched?: false },
  ): Dataset<Out>;
  map<Out extends Row = Row>(
    fn: BatchFn<MapResult<Batch>>,
    options: MapOptions & { batched: true },
  ): Dataset<Out>;
  map<Out extends Row = Row>(
    fn: RowFn<R, unknown> | BatchFn<unknown>,
    options: MapOptions = {},
  ): Dataset<Out> {
    checkOptionNames(options, 'map');
    const removed = this.checkColumns(
      options.removeColumns === undefined
        ? []
        : typeof options.removeColumns === 'string'
          ? [options.removeColumns]
          : options.removeColumns,
      'removeColumns',
    );
    const outputs = new MapOutputs();
    if (options.batched) {
      mapBatches(this, fn as BatchFn<unknown>, options.batchSize ?? 1000, removed, outputs);
    } else {
      mapRows(this, fn as RowFn<R, unknown>, outputs);
    }

    // Python merges `{**row_without_removed, **output}`: kept columns stay in place (overwritten ones
    // too), everything else the function returned goes last in its order.
    const finalColumns = new Map<string, readonly unknown[]>();
    const finalTypes: [string, FeatureType][] = [];
    const place = (name: string) => {
      const output = outputs.columns.get(name);
      if (output !== undefined) {
        finalColumns.set(name, output);
        finalTypes.push([name, this.outputFeature(name, output, options.features)]);
      } else {
        finalColumns.set(name, this.columns.get(name) as unknown[]);
        finalTypes.push([name, this.features.get(name) as FeatureType]);
      }
    };
    for (const name of this.columnNames) if (!removed.includes(name)) place(name);
    for (const name of outputs.columns.keys()) if (!finalColumns.has(name)) place(name);
    return new Dataset<Out>(finalColumns, new Features(finalTypes));
  }

  private outputFeature(name: string, values: readonly unknown[], given: Features | undefined): FeatureType {
    const feature = given?.get(name);
    if (feature === undefined) return inferFeature(values, `map output column "${name}"`);
    for (let i = 0; i < values.length; i += 1)
      feature.validate(values[i], `map output column "${name}", row ${i}`);
    return feature;
  }

  /** Rows for which `fn` is true (Python: `filter`); batched: `fn` returns one boolean per row. */
  filter(fn: RowFn<R, boolean>, options?: FilterOptions & { batched?: false }): Dataset<R>;
  filter(fn: BatchFn<readonly boolean[]>, options: FilterOptions & { batched: true }): Dataset<R>;
  filter(fn: RowFn<R, boolean> | BatchFn<readonly boolean[]>, options: FilterOptions = {}): Dataset<R> {
    checkOptionNames(options, 'filter');
    const keep: number[] = [];
    if (options.batched) {
      const batchSize = options.batchSize ?? 1000;
      for (let start = 0; start < this.numRows; start += batchSize) {
        const end = Math.min(this.numRows, start + batchSize);
        const indices = Array.from({ length: end - start }, (_, k) => start + k);
        const mask = (fn as BatchFn<readonly boolean[]>)(this.slice(start, end), indices);
        if (!Array.isArray(mask) || mask.length !== end - start) {
          throw new DatasetUsageError(
            `filter: batch ${start}-${end - 1} must return ${end - start} booleans.`,
          );
        }
        mask.forEach((flag, k) => {
          if (flag) keep.push(start + k);
        });
      }
    } else {
      for (let i = 0; i < this.numRows; i += 1) if ((fn as RowFn<R, boolean>)(this.get(i), i)) keep.push(i);
    }
    return this.gather(keep);
  }

  /** Rows at `indices`, in that order (Python: `select`). */
  select(indices: Iterable<number>): Dataset<R> {
    const list = Array.from(indices);
    for (const index of list) {
      if (!Number.isInteger(index) || index < 0 || index >= this.numRows) {
        throw new DatasetUsageError(`select: index ${index} is out of range for ${this.numRows} rows.`);
      }
    }
    return this.gather(list);
  }

  /**
   * Rows in a seeded random order: numpy's `default_rng(seed).permutation(numRows)`, as Python's
   * `shuffle(seed=...)` does, so the same seed gives the same order here and in Python. A number
   * is the seed, as Python's first positional argument (`shuffle(42)`).
   */
  shuffle(options: ShuffleOptions | number = {}): Dataset<R> {
    const { seed } = typeof options === 'number' ? { seed: options } : options;
    if (typeof options !== 'number') checkOptionNames(options, 'shuffle');
    return this.gather(numpyPermutation(this.numRows, seed ?? randomSeed()));
  }

  /** Train/test split (Python: `train_test_split`): `DatasetDict` with `train` and `test`. */
  trainTestSplit(options: TrainTestSplitOptions = {}): DatasetDict<R> {
    checkOptionNames(options, 'trainTestSplit');
    const { train, test } = trainTestIndices(this.numRows, options);
    return new DatasetDict<R>({ train: this.gather(train), test: this.gather(test) });
  }

  /** Rows ordered by a scalar column, stable, nulls last (Python: `sort`). */
  sort(column: string, options: SortOptions = {}): Dataset<R> {
    checkOptionNames(options, 'sort');
    const values = this.column(column);
    const order = Array.from({ length: this.numRows }, (_, i) => i);
    const sign = options.reverse ? -1 : 1;
    order.sort((a, b) => {
      const x = values[a];
      const y = values[b];
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      if (xNull || yNull) return xNull === yNull ? 0 : xNull ? 1 : -1;
      if (typeof x === 'object' || typeof y === 'object') {
        throw new DatasetUsageError(
          `sort: column "${column}" holds lists; only scalar columns can be sorted.`,
        );
      }
      return (x < y ? -1 : x > y ? 1 : 0) * sign;
    });
    return this.gather(order);
  }

  /** The dataset without some columns (Python: `remove_columns`). */
  removeColumns(names: string | readonly string[]): Dataset {
    const drop = this.checkColumns(typeof names === 'string' ? [names] : names, 'removeColumns');
    return this.pickColumns(this.columnNames.filter((name) => !drop.includes(name)));
  }

  /** Only some columns, in the given order (Python: `select_columns`). */
  selectColumns(names: readonly string[]): Dataset {
    return this.pickColumns([...this.checkColumns(names, 'selectColumns')]);
  }

  /** One column renamed (Python: `rename_column`). */
  renameColumn(from: string, to: string): Dataset {
    this.checkColumns([from], 'renameColumn');
    if (from !== to && this.columns.has(to))
      throw new DatasetUsageError(`renameColumn: column "${to}" already exists.`);
    const columns = new Map<string, readonly unknown[]>();
    const types: [string, FeatureType][] = [];
    for (const [name, values] of this.columns) {
      const target = name === from ? to : name;
      columns.set(target, values);
      types.push([target, this.features.get(name) as FeatureType]);
    }
    return new Dataset(columns, new Features(types));
  }

  /** A column with a new feature, values checked (Python: `cast_column`; no value conversion is done). */
  castColumn(name: string, feature: FeatureType): Dataset<R> {
    const values = this.column(name);
    for (let i = 0; i < values.length; i += 1) feature.validate(values[i], `castColumn "${name}", row ${i}`);
    return new Dataset<R>(
      this.columns,
      new Features(
        this.features.names.map(
          (n) => [n, n === name ? feature : (this.features.get(n) as FeatureType)] as const,
        ),
      ),
    );
  }

  /** One JSON object per row, `\n`-terminated (Python: `to_json(lines=True)`; ClassLabels as ids). */
  toJSONL(): string {
    let out = '';
    for (let i = 0; i < this.numRows; i += 1) out += `${JSON.stringify(this.get(i))}\n`;
    return out;
  }

  /** Writes {@link toJSONL} to `path` through a temporary file and a rename. */
  async saveJSONL(path: string): Promise<void> {
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, this.toJSONL());
    await rename(temp, path);
  }

  /** Python: `Dataset({\n    features: ['id', ...],\n    num_rows: 14041\n})`. */
  toString(): string {
    return `Dataset({\n    features: ${pythonRepr(this.columnNames)},\n    num_rows: ${this.numRows}\n})`;
  }

  private gather(indices: ArrayLike<number>): Dataset<R> {
    const columns = new Map<string, readonly unknown[]>();
    for (const [name, values] of this.columns) {
      const picked = new Array<unknown>(indices.length);
      for (let k = 0; k < indices.length; k += 1) picked[k] = values[indices[k] as number];
      columns.set(name, picked);
    }
    return new Dataset<R>(columns, this.features);
  }

  private pickColumns(names: readonly string[]): Dataset {
    const columns = new Map<string, readonly unknown[]>();
    for (const name of names) columns.set(name, this.columns.get(name) as unknown[]);
    return new Dataset(
      columns,
      new Features(names.map((name) => [name, this.features.get(name) as FeatureType] as const)),
    );
  }

  private checkColumns(names: readonly string[], method: string): readonly string[] {
    for (const name of names) {
      if (!this.columns.has(name)) {
        throw new DatasetUsageError(
          `${method}: column "${name}" not in the dataset; columns are [${this.columnNames.join(', ')}].`,
        );
      }
    }
    return names;
  }

  private checkIndex(index: number): number {
    const i = index < 0 ? this.numRows + index : index;
    if (!Number.isInteger(index) || i < 0 || i >= this.numRows) {
      throw new DatasetUsageError(
        `Row index ${index} is out of range for a dataset of ${this.numRows} rows.`,
      );
    }
    return i;
  }
}
