import { CollateError } from './errors.js';
import { HostTensor } from './host-tensor.js';

/** One example: Hugging Face column names (`input_ids`, `attention_mask`, `token_type_ids`, `labels`...) to values. */
export type FeatureRow = Readonly<Record<string, unknown>>;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A short human description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/** True for plain arrays and typed arrays (not DataView). */
export function isSequence(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Checks that `value` (column `key` of row `row`) is a list of int32 integers and returns it unchanged.
 * Int32Array / Int16Array / Uint16Array / Int8Array / Uint8Array pass without a scan.
 */
export function readIntSequence(value: unknown, row: number, key: string): ArrayLike<number> {
  if (
    value instanceof Int32Array ||
    value instanceof Int16Array ||
    value instanceof Uint16Array ||
    value instanceof Int8Array ||
    value instanceof Uint8Array
  ) {
    return value;
  }
  if (!isSequence(value) || value instanceof BigInt64Array || value instanceof BigUint64Array) {
    throw new CollateError(`row ${row}, '${key}': expected a list of integers, got ${describeValue(value)}`, {
      row,
      key,
    });
  }
  const list = value as ArrayLike<unknown>;
  for (let j = 0; j < list.length; j++) {
    const element = list[j];
    if (!isInt32(element)) {
      throw new CollateError(
        `row ${row}, '${key}'[${j}]: expected an int32 integer, got ${describeValue(element)}`,
        { row, key },
      );
    }
  }
  return list as ArrayLike<number>;
}

/** Fetches `row[key]`, failing with the row index and key when it is absent. */
export function requireKey(features: FeatureRow, key: string, row: number, reason: string): unknown {
  if (typeof features !== 'object' || features === null) {
    throw new CollateError(`row ${row}: expected an object of columns, got ${describeValue(features)}`, {
      row,
    });
  }
  if (!(key in features)) {
    throw new CollateError(`row ${row} has no '${key}' ${reason}`, { row, key });
  }
  return features[key];
}

/**
 * Turns one non-padded column into a tensor the way `torch.tensor([...])` would: numbers (or booleans)
 * give a 1-D tensor, equal-length lists of numbers a 2-D one. All-integer values give int32, anything
 * fractional gives float32. Ragged lists, strings, nulls and objects are errors naming the row and key.
 */
export function tensorizeColumn(values: readonly unknown[], key: string): HostTensor {
  const rows = values.length;
  const first = values[0];
  if (isSequence(first)) {
    const cols = first.length;
    const flat = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const value = values[i];
      if (!isSequence(value)) {
        throw new CollateError(
          `row ${i}, '${key}': expected a list like row 0, got ${describeValue(value)}`,
          {
            row: i,
            key,
          },
        );
      }
      if (value.length !== cols) {
        throw new CollateError(
          `row ${i}, '${key}': has ${value.length} values but row 0 has ${cols}; '${key}' is not padded, ` +
            'so every row needs the same length (pad or drop this column before collating)',
          { row: i, key },
        );
      }
      for (let j = 0; j < cols; j++) flat[i * cols + j] = toNumber(value[j], i, key);
    }
    return fromFloat64(flat, [rows, cols]);
  }
  const flat = new Float64Array(rows);
  for (let i = 0; i < rows; i++) flat[i] = toNumber(values[i], i, key);
  return fromFloat64(flat, [rows]);
}

function toNumber(value: unknown, row: number, key: string): number {
  if (typeof value === 'number' && !Number.isNaN(value)) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const hint =
    typeof value === 'string'
      ? " (text columns cannot become tensors: remove the column first, or pass extraKeys: 'drop')"
      : '';
  throw new CollateError(`row ${row}, '${key}': expected a number, got ${describeValue(value)}${hint}`, {
    row,
    key,
  });
}

function fromFloat64(flat: Float64Array, shape: number[]): HostTensor {
  let allInt32 = true;
  for (let i = 0; i < flat.length; i++) {
    if (!isInt32(flat[i])) {
      allInt32 = false;
      break;
    }
  }
  return allInt32
    ? new HostTensor(Int32Array.from(flat), shape, 'int32')
    : new HostTensor(Float32Array.from(flat), shape, 'float32');
}
