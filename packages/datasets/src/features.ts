/**
 * Column types, as 🤗 Datasets describes them: `Value(dtype)`, `ClassLabel(names)`, `Sequence(feature)`
 * (printed `List(...)` as datasets 4 does) and `Features` (column name → type). They print like Python,
 * serialise to the JSON that datasets writes into parquet metadata and `dataset_info.json`, and validate
 * values so that a label outside a ClassLabel is caught where it is read.
 */
import { FeatureError } from './errors.js';
import { pythonRepr, pythonStringRepr } from './python-repr.js';

/** Scalar types of `Value` (Arrow names, as datasets uses them). */
export type ValueDtype =
  | 'string'
  | 'large_string'
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float16'
  | 'float32'
  | 'float64'
  | 'null';

const VALUE_DTYPES = new Set<string>([
  'string',
  'large_string',
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float16',
  'float32',
  'float64',
  'null',
]);

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

/** A scalar column: `Value('string')`, `Value('int64')`... */
export class Value {
  readonly type = 'Value' as const;
  constructor(readonly dtype: ValueDtype) {
    if (!VALUE_DTYPES.has(dtype)) {
      throw new FeatureError(
        `Value dtype ${JSON.stringify(dtype)} is not one of ${[...VALUE_DTYPES].join(', ')}.`,
      );
    }
  }

  /** Python: `Value('string')`. */
  toString(): string {
    return `Value(${pythonStringRepr(this.dtype)})`;
  }

  /** datasets' JSON: `{"dtype": "string", "_type": "Value"}`. */
  toJSON(): Record<string, unknown> {
    return { dtype: this.dtype, _type: 'Value' };
  }

  /** Throws a {@link FeatureError} (prefixed with `where`) unless `value` fits the dtype; `null` always fits. */
  validate(value: unknown, where: string): void {
    if (value === null || value === undefined) return;
    const dtype = this.dtype;
    if (dtype === 'string' || dtype === 'large_string') {
      if (typeof value !== 'string')
        throw new FeatureError(`${where}: expected a string, got ${pythonRepr(value)}`);
    } else if (dtype === 'bool') {
      if (typeof value !== 'boolean')
        throw new FeatureError(`${where}: expected a bool, got ${pythonRepr(value)}`);
    } else if (dtype in INT_RANGES) {
      const [min, max] = INT_RANGES[dtype] as [number, number];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw new FeatureError(`${where}: expected an ${dtype} integer, got ${pythonRepr(value)}`);
      }
    } else if (dtype.startsWith('float')) {
      if (typeof value !== 'number')
        throw new FeatureError(`${where}: expected a ${dtype} number, got ${pythonRepr(value)}`);
    }
  }
}

/** Integer class ids with names: `ClassLabel(names=['O', 'B-PER', ...])`. */
export class ClassLabel {
  readonly type = 'ClassLabel' as const;
  readonly names: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  constructor(options: { readonly names: readonly string[] } | { readonly numClasses: number }) {
    const names =
      'names' in options
        ? [...options.names]
        : Array.from({ length: options.numClasses }, (_, i) => String(i));
    const ids = new Map<string, number>();
    names.forEach((name, id) => {
      if (typeof name !== 'string')
        throw new FeatureError(`ClassLabel names must be strings, got ${pythonRepr(name)}`);
      if (ids.has(name))
        throw new FeatureError(`ClassLabel names must be unique; ${pythonStringRepr(name)} appears twice.`);
      ids.set(name, id);
    });
    this.names = Object.freeze(names);
    this.ids = ids;
  }

  /** Number of classes. */
  get numClasses(): number {
    return this.names.length;
  }

  /** Class id → name (`int2str`); throws for an id outside `[0, numClasses)`. */
  int2str(id: number): string;
  int2str(ids: readonly number[]): string[];
  int2str(ids: number | readonly number[]): string | string[] {
    if (typeof ids !== 'number') return ids.map((id) => this.int2str(id));
    const name = Number.isInteger(ids) ? this.names[ids] : undefined;
    if (name === undefined) {
      throw new FeatureError(
        `Class id ${ids} is outside ClassLabel(num_classes=${this.numClasses}) (valid: 0..${this.numClasses - 1}).`,
      );
    }
    return name;
  }

  /** Name → class id (`str2int`); a name that is a valid id in decimal is accepted like Python does. */
  str2int(name: string): number;
  str2int(names: readonly string[]): number[];
  str2int(names: string | readonly string[]): number | number[] {
    if (typeof names !== 'string') return names.map((name) => this.str2int(name));
    const id = this.ids.get(names);
    if (id !== undefined) return id;
    const trimmed = this.ids.get(names.trim());
    if (trimmed !== undefined) return trimmed;
    if (/^\d+$/.test(names) && Number(names) < this.numClasses) return Number(names);
    throw new FeatureError(
      `Label ${pythonStringRepr(names)} is not one of the ${this.numClasses} ClassLabel names ${pythonRepr(this.names)}.`,
    );
  }

  /** Python (datasets 4): `ClassLabel(names=['neg', 'pos'])`. */
  toString(): string {
    return `ClassLabel(names=${pythonRepr(this.names)})`;
  }

  /** datasets' JSON: `{"names": [...], "_type": "ClassLabel"}`. */
  toJSON(): Record<string, unknown> {
    return { names: [...this.names], _type: 'ClassLabel' };
  }

  /** Throws unless `value` is a class id in range (or null). */
  validate(value: unknown, where: string): void {
    if (value === null || value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < -1 || value >= this.numClasses) {
      throw new FeatureError(
        `${where}: ${pythonRepr(value)} is not a class id of ClassLabel(num_classes=${this.numClasses}) (expected 0..${this.numClasses - 1}).`,
      );
    }
  }
}

/** A list column: `Sequence(new Value('string'))`, printed `List(Value('string'))`. */
export class Sequence {
  readonly type = 'Sequence' as const;
  constructor(
    readonly feature: FeatureType,
    /** Fixed length, or -1 for any length. */
    readonly length = -1,
  ) {}

  /** Python (datasets 4): `List(Value('string'))`, `List(Value('int32'), length=3)`. */
  toString(): string {
    return this.length >= 0 ? `List(${this.feature}, length=${this.length})` : `List(${this.feature})`;
  }

  /** datasets 4 JSON: `{"feature": {...}, "_type": "List"}` (plus `length` when fixed). */
  toJSON(): Record<string, unknown> {
    return this.length >= 0
      ? { feature: this.feature.toJSON(), length: this.length, _type: 'List' }
      : { feature: this.feature.toJSON(), _type: 'List' };
  }

  /** Throws unless `value` is an array (of the right length) whose items fit `feature`. */
  validate(value: unknown, where: string): void {
    if (value === null || value === undefined) return;
    if (!Array.isArray(value)) throw new FeatureError(`${where}: expected a list, got ${pythonRepr(value)}`);
    if (this.length >= 0 && value.length !== this.length) {
      throw new FeatureError(`${where}: expected a list of length ${this.length}, got ${value.length}`);
    }
    for (let i = 0; i < value.length; i += 1) this.feature.validate(value[i], `${where}[${i}]`);
  }
}

/** Any column type. */
export type FeatureType = Value | ClassLabel | Sequence;

/** Column name → type, in column order. Python: `datasets.Features`. */
export class Features {
  private readonly columns: ReadonlyMap<string, FeatureType>;

  constructor(columns: Record<string, FeatureType> | Iterable<readonly [string, FeatureType]>) {
    const entries =
      Symbol.iterator in columns
        ? [...(columns as Iterable<readonly [string, FeatureType]>)]
        : Object.entries(columns);
    this.columns = new Map(entries);
  }

  /** Column names in order. */
  get names(): string[] {
    return [...this.columns.keys()];
  }

  /** The type of a column, or undefined. */
  get(name: string): FeatureType | undefined {
    return this.columns.get(name);
  }

  /** True when the column exists. */
  has(name: string): boolean {
    return this.columns.has(name);
  }

  /** `[name, type]` pairs in order. */
  entries(): IterableIterator<[string, FeatureType]> {
    return this.columns.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, FeatureType]> {
    return this.columns.entries();
  }

  /** Python: `{'id': Value('string'), 'tokens': List(Value('string')), ...}`. */
  toString(): string {
    return `{${[...this.columns].map(([name, type]) => `${pythonStringRepr(name)}: ${type}`).join(', ')}}`;
  }

  /** datasets' JSON (as in `dataset_info.json` and parquet `huggingface` metadata). */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries([...this.columns].map(([name, type]) => [name, type.toJSON()]));
  }

  /** Reads datasets' JSON (datasets 2.x/3.x `Sequence` and 4.x `List` forms, and `[feature]` shorthand). */
  static fromJSON(json: unknown, where = 'features'): Features {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new FeatureError(
        `${where}: expected an object of column name → feature, got ${JSON.stringify(json)}`,
      );
    }
    return new Features(
      Object.entries(json).map(
        ([name, value]) => [name, featureFromJSON(value, `${where}.${name}`)] as const,
      ),
    );
  }
}

/** One feature from datasets' JSON. */
export function featureFromJSON(json: unknown, where: string): FeatureType {
  if (Array.isArray(json)) {
    if (json.length !== 1)
      throw new FeatureError(`${where}: a list feature must hold exactly one item type.`);
    return new Sequence(featureFromJSON(json[0], `${where}[0]`));
  }
  if (typeof json !== 'object' || json === null)
    throw new FeatureError(`${where}: expected a feature object, got ${JSON.stringify(json)}`);
  const spec = json as Record<string, unknown>;
  switch (spec._type) {
    case 'Value': {
      const dtype = spec.dtype === 'large_string' ? 'large_string' : spec.dtype;
      return new Value(dtype as ValueDtype);
    }
    case 'ClassLabel': {
      if (Array.isArray(spec.names)) return new ClassLabel({ names: spec.names as string[] });
      if (typeof spec.num_classes === 'number') return new ClassLabel({ numClasses: spec.num_classes });
      throw new FeatureError(`${where}: ClassLabel without names or num_classes.`);
    }
    case 'Sequence':
    case 'List':
    case 'LargeList': {
      const length = typeof spec.length === 'number' ? spec.length : -1;
      return new Sequence(featureFromJSON(spec.feature, `${where}.feature`), length);
    }
    default:
      throw new FeatureError(
        `${where}: feature type ${JSON.stringify(spec._type)} is not supported (Value, ClassLabel, Sequence/List are).`,
      );
  }
}

/**
 * The feature Python infers for a value (pyarrow's inference): str → `Value('string')`, int → `Value('int64')`,
 * float → `Value('float64')`, bool → `Value('bool')`, list → `List(...)` of the first non-null item's type.
 */
export function inferFeature(values: readonly unknown[], where: string): FeatureType {
  let sawFloat = false;
  let kind: 'string' | 'number' | 'bool' | 'list' | undefined;
  const items: unknown[] = [];
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const current =
      typeof value === 'string'
        ? 'string'
        : typeof value === 'number'
          ? 'number'
          : typeof value === 'boolean'
            ? 'bool'
            : Array.isArray(value)
              ? 'list'
              : undefined;
    if (current === undefined)
      throw new FeatureError(`${where}: cannot infer a feature for ${pythonRepr(value)}`);
    if (kind !== undefined && kind !== current) {
      throw new FeatureError(
        `${where}: values mix ${kind} and ${current}; give the column's feature explicitly.`,
      );
    }
    kind = current;
    if (current === 'number' && !Number.isInteger(value)) sawFloat = true;
    if (current === 'list') for (const item of value as unknown[]) items.push(item);
  }
  switch (kind) {
    case 'string':
      return new Value('string');
    case 'number':
      return new Value(sawFloat ? 'float64' : 'int64');
    case 'bool':
      return new Value('bool');
    case 'list':
      return new Sequence(items.length === 0 ? new Value('null') : inferFeature(items, `${where}[]`));
    default:
      return new Value('null');
  }
}
