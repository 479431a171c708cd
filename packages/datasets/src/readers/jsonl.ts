/**
 * JSON Lines: one object per line, blank lines ignored. Columns are the keys in order of first appearance
 * (missing keys are null). Features are inferred unless given; a `ClassLabel` column accepts names (encoded
 * with `str2int`) or ids, and anything else is an error naming the file and line.
 */
import { Dataset } from '../dataset.js';
import { DatasetFormatError, FeatureError } from '../errors.js';
import {
  ClassLabel,
  type Features,
  Features as FeaturesClass,
  type FeatureType,
  inferFeature,
  Sequence,
} from '../features.js';
import { checkFileSize, DEFAULT_LIMITS, type ReadLimits } from '../limits.js';
import { checkJsonLine } from './json-line-check.js';
import { forEachLine, forEachLineOfFile } from './lines.js';

/** Options of the JSON Lines reader. */
export interface JsonlOptions extends ReadLimits {
  /** Column types (and order); columns not named here are inferred and appended. */
  readonly features?: Features;
}

/** Reads a JSON Lines file into a Dataset (streamed: the file's text is never held whole). */
export async function readJsonl(path: string, options: JsonlOptions = {}): Promise<Dataset> {
  await checkFileSize(path, options);
  const collector = new JsonlCollector(path, options);
  await forEachLineOfFile(path, options, (line, lineNumber) => collector.add(line, lineNumber));
  return collector.toDataset();
}

/** Parses JSON Lines text; `file` names it in errors. */
export function parseJsonl(text: string, file: string, options: JsonlOptions = {}): Dataset {
  const collector = new JsonlCollector(file, options);
  forEachLine(text, file, options, (line, lineNumber) => collector.add(line, lineNumber));
  return collector.toDataset();
}

/** Collects one object per line into columns (keys in first-seen order, missing keys null). */
class JsonlCollector {
  private readonly columns = new Map<string, unknown[]>();
  private readonly lines: number[] = [];
  private readonly maxDepth: number;
  private readonly maxColumns: number;
  private readonly maxCells: number;
  private rows = 0;

  constructor(
    private readonly file: string,
    private readonly options: JsonlOptions,
  ) {
    for (const name of options.features?.names ?? []) this.columns.set(name, []);
    this.maxDepth = options.maxJsonDepth ?? DEFAULT_LIMITS.maxJsonDepth;
    this.maxColumns = options.maxColumns ?? DEFAULT_LIMITS.maxColumns;
    this.maxCells = options.maxCells ?? DEFAULT_LIMITS.maxCells;
  }

  add(line: string, lineNumber: number): void {
    const { file, columns } = this;
    if (line.trim() === '') return;
    checkJsonLine(line, { file, line: lineNumber, maxDepth: this.maxDepth });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DatasetFormatError(file, lineNumber, `not valid JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DatasetFormatError(
        file,
        lineNumber,
        `expected a JSON object per line, got ${line.slice(0, 80)}`,
      );
    }
    const row = this.rows;
    for (const [key, item] of Object.entries(value)) {
      let column = columns.get(key);
      if (column === undefined) {
        this.checkSize(columns.size + 1, row + 1, lineNumber, key);
        column = new Array<unknown>(row).fill(null);
        columns.set(key, column);
      }
      // Rows since the key last appeared lacked it: null. Padding here, not every column on every
      // row, keeps a row's cost to its own keys.
      while (column.length < row) column.push(null);
      column.push(item);
    }
    this.rows += 1;
    this.lines.push(lineNumber);
    this.checkSize(columns.size, this.rows, lineNumber);
  }

  toDataset(): Dataset {
    this.checkSize(this.columns.size, this.rows, 0);
    for (const column of this.columns.values()) while (column.length < this.rows) column.push(null);
    return buildDataset(this.columns, this.lines, this.file, this.options.features);
  }

  /** Throws before a table of `columns` × `rows` would pass the limits. */
  private checkSize(columns: number, rows: number, lineNumber: number, newKey?: string): void {
    if (newKey !== undefined && columns > this.maxColumns) {
      throw new DatasetFormatError(
        this.file,
        lineNumber,
        `key ${JSON.stringify(newKey.slice(0, 80))} would be column ${columns}; the limit is ${this.maxColumns} (option maxColumns).`,
      );
    }
    if (columns * rows > this.maxCells) {
      throw new DatasetFormatError(
        this.file,
        lineNumber,
        `${columns} columns × ${rows} rows = ${columns * rows} cells (a missing key is a null cell); the limit is ${this.maxCells} (option maxCells).`,
      );
    }
  }
}

/** Encodes ClassLabel columns, checks values against features, infers the rest. Shared by JSONL and CSV. */
export function buildDataset(
  columns: Map<string, unknown[]>,
  lines: readonly number[],
  file: string,
  features: Features | undefined,
): Dataset {
  const types: [string, FeatureType][] = [];
  for (const [name, values] of columns) {
    const feature = features?.get(name);
    if (feature === undefined) {
      types.push([name, inferFeature(values, `${file}: column "${name}"`)]);
      continue;
    }
    for (let i = 0; i < values.length; i += 1) {
      try {
        values[i] = encodeValue(values[i], feature);
        feature.validate(values[i], `column "${name}"`);
      } catch (error) {
        if (error instanceof FeatureError) throw new DatasetFormatError(file, lines[i] ?? 0, error.message);
        throw error;
      }
    }
    types.push([name, feature]);
  }
  return new Dataset(columns, new FeaturesClass(types));
}

/** Label names → ids for ClassLabel (also inside lists); other values unchanged. */
function encodeValue(value: unknown, feature: FeatureType): unknown {
  if (feature instanceof ClassLabel && typeof value === 'string') return feature.str2int(value);
  if (feature instanceof Sequence && Array.isArray(value))
    return value.map((item) => encodeValue(item, feature.feature));
  return value;
}
