/**
 * Parquet through hyparquet. Features come from the `huggingface` key of the file's metadata (what
 * 🤗 Datasets writes: `{"info": {"features": {...}}}`), which is how ClassLabel names travel with the
 * data; without it they are inferred. 64-bit integers come back as numbers (an error if one does not fit).
 */
import { readFile } from 'node:fs/promises';
import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { Dataset } from '../dataset.js';
import { DatasetFormatError, FeatureError } from '../errors.js';
import { Features, type FeatureType, inferFeature } from '../features.js';
import { checkFileSize, DEFAULT_LIMITS, type ReadLimits } from '../limits.js';
import { checkJsonLine } from './json-line-check.js';
import { asCount, checkPageHeaders, loadHeaderReader } from './parquet-pages.js';

/** Options of the parquet reader. */
export interface ParquetOptions extends ReadLimits {
  /** Column types; overrides the file's `huggingface` metadata. */
  readonly features?: Features;
}

/** Largest `huggingface` metadata value parsed. */
const MAX_METADATA_CHARS = 16 * 1024 * 1024;

/** The Features stored in a parquet file's `huggingface` metadata, or undefined. */
export function featuresFromParquetMetadata(
  metadata: FileMetaData,
  file: string,
  limits: ReadLimits = {},
): Features | undefined {
  const entry = metadata.key_value_metadata?.find((item) => item.key === 'huggingface');
  if (entry?.value === undefined) return undefined;
  if (entry.value.length > MAX_METADATA_CHARS) {
    throw new DatasetFormatError(
      file,
      0,
      `"huggingface" metadata is ${entry.value.length} characters; the limit is ${MAX_METADATA_CHARS}.`,
    );
  }
  // Features.fromJSON recurses per level: bound the nesting before a deep value overflows the stack.
  checkJsonLine(entry.value, {
    file,
    line: 0,
    maxDepth: limits.maxJsonDepth ?? DEFAULT_LIMITS.maxJsonDepth,
    unsafeIntegers: 'allow',
    context: '"huggingface" metadata: ',
  });
  let parsed: { info?: { features?: unknown } };
  try {
    parsed = JSON.parse(entry.value) as { info?: { features?: unknown } };
  } catch (error) {
    throw new DatasetFormatError(file, 0, `"huggingface" metadata is not JSON: ${(error as Error).message}`);
  }
  if (parsed.info?.features === undefined) return undefined;
  try {
    // The DatasetFormatError below puts the file first: the context names only the field.
    return Features.fromJSON(parsed.info.features, 'huggingface metadata features');
  } catch (error) {
    if (error instanceof FeatureError) throw new DatasetFormatError(file, 0, error.message);
    throw error;
  }
}

/** Reads a parquet file into a Dataset. */
export async function readParquet(path: string, options: ParquetOptions = {}): Promise<Dataset> {
  await checkFileSize(path, options);
  // The whole file at once (its size is bounded above): hyparquet then slices memory, so no read of
  // the file is still pending when a decoding error is thrown (one that failed later, e.g. after the
  // caller deleted the file, would be an unhandled rejection that ends the process).
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    const read = await readFile(path);
    // readFile's buffer is the file's own allocation (no copy); one from a shared pool is copied.
    const whole = read.byteOffset === 0 && read.buffer.byteLength === read.byteLength;
    bytes = whole ? new Uint8Array(read.buffer as ArrayBuffer) : new Uint8Array(read);
  } catch (error) {
    throw new DatasetFormatError(path, 0, `cannot read: ${(error as Error).message}`);
  }
  const file: AsyncBuffer = {
    byteLength: bytes.byteLength,
    slice: (start, end) => bytes.buffer.slice(start, end ?? bytes.byteLength),
  };
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new DatasetFormatError(path, 0, `not a readable parquet file: ${(error as Error).message}`);
  }
  const expectedRows = checkRowCounts(metadata, path);
  const parquetHeader = await loadHeaderReader();
  if (parquetHeader) checkPageHeaders(bytes, metadata, path, parquetHeader);
  const features = options.features ?? featuresFromParquetMetadata(metadata, path, options);
  // Only the top-level schema elements are columns; nested ones belong to their list/struct.
  const columnNames = topLevelNames(metadata);
  if (columnNames.length === 0 && Number(metadata.num_rows) > 0)
    throw new DatasetFormatError(path, 0, 'parquet file without columns.');
  // Rows as arrays in `columnNames` order: hyparquet's object rows assign `row[name]`, which drops a
  // column named `__proto__` (and makes its value the row's prototype).
  let rows: unknown[][];
  try {
    rows = await new Promise<unknown[][]>((resolve, reject) => {
      parquetRead({ file, metadata, columns: columnNames, rowFormat: 'array', onComplete: resolve }).catch(
        reject,
      );
    });
  } catch (error) {
    throw new DatasetFormatError(path, 0, `cannot decode parquet data: ${(error as Error).message}`);
  }
  // A footer whose row groups lost their data can decode to fewer (or more) rows without any error.
  if (rows.length !== expectedRows) {
    throw new DatasetFormatError(
      path,
      0,
      `decoded ${rows.length} rows but the file's metadata says num_rows = ${expectedRows}; the file is corrupt or truncated.`,
    );
  }
  const order = features?.names.filter((name) => columnNames.includes(name)) ?? [];
  for (const name of columnNames) if (!order.includes(name)) order.push(name);
  const columns = new Map<string, unknown[]>();
  const types: [string, FeatureType][] = [];
  for (const name of order) {
    const values = new Array<unknown>(rows.length);
    const at = columnNames.indexOf(name);
    for (let i = 0; i < rows.length; i += 1) values[i] = toPlain((rows[i] as unknown[])[at], path, name, i);
    const feature = features?.get(name);
    if (feature === undefined) {
      types.push([name, inferFeature(values, `${path}: column "${name}"`)]);
    } else {
      try {
        for (let i = 0; i < values.length; i += 1) feature.validate(values[i], `column "${name}", row ${i}`);
      } catch (error) {
        if (error instanceof FeatureError) throw new DatasetFormatError(path, 0, error.message);
        throw error;
      }
      types.push([name, feature]);
    }
    columns.set(name, values);
  }
  return new Dataset(columns, new Features(types));
}

/**
 * The file's `num_rows`, after checking that it and every row group's `num_rows` are counts and that the
 * row groups add up to it (a corrupt footer otherwise reads as an empty or a different table).
 */
function checkRowCounts(metadata: FileMetaData, file: string): number {
  const total = asCount(metadata.num_rows);
  if (total === undefined)
    throw new DatasetFormatError(
      file,
      0,
      `metadata num_rows ${String(metadata.num_rows)} is not a row count.`,
    );
  let sum = 0;
  (metadata.row_groups ?? []).forEach((group, index) => {
    const rows = asCount(group?.num_rows);
    if (rows === undefined) {
      throw new DatasetFormatError(
        file,
        0,
        `row group ${index}: num_rows ${String(group?.num_rows)} is not a row count; the footer is corrupt.`,
      );
    }
    sum += rows;
  });
  if (sum !== total) {
    throw new DatasetFormatError(
      file,
      0,
      `the metadata says num_rows = ${total} but its ${metadata.row_groups?.length ?? 0} row groups hold ${sum}; the footer is corrupt.`,
    );
  }
  return total;
}

/** Names of the root's children in the flattened parquet schema (skipping each child's subtree). */
function topLevelNames(metadata: FileMetaData): string[] {
  const schema = metadata.schema;
  const names: string[] = [];
  const count = schema[0]?.num_children ?? 0;
  let index = 1;
  const skip = (at: number): number => {
    const element = schema[at];
    let next = at + 1;
    for (let child = 0; child < (element?.num_children ?? 0); child += 1) next = skip(next);
    return next;
  };
  for (let child = 0; child < count && index < schema.length; child += 1) {
    names.push((schema[index] as { name: string }).name);
    index = skip(index);
  }
  return names;
}

/** bigint → number (checked), typed arrays → arrays, recursively. */
function toPlain(value: unknown, file: string, column: string, row: number): unknown {
  if (typeof value === 'bigint') {
    const number = Number(value);
    if (!Number.isSafeInteger(number)) {
      throw new DatasetFormatError(
        file,
        0,
        `column "${column}", row ${row}: integer ${value} does not fit a JavaScript number.`,
      );
    }
    return number;
  }
  if (Array.isArray(value)) return value.map((item) => toPlain(item, file, column, row));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<unknown>, (item) => toPlain(item, file, column, row));
  if (value === undefined) return null;
  return value;
}
