/**
 * CSV / TSV (RFC 4180): a header row, fields separated by `,` (or tab, or any one character), fields in
 * double quotes may hold separators, line breaks and `""` for a quote; CRLF or LF. Like Python's `csv`
 * module, a quote inside an unquoted field is kept as text. Values come in as strings; a column whose
 * values all look like integers (or numbers) becomes `int64` (`float64`) as pandas infers, an empty
 * field is null. With `features`, ClassLabel columns take names or ids.
 */
import type { Dataset } from '../dataset.js';
import { DatasetFormatError } from '../errors.js';
import { ClassLabel, type Features, Value } from '../features.js';
import { checkFileSize, DEFAULT_LIMITS, type ReadLimits } from '../limits.js';
import { type CsvRecord, CsvRecordSplitter } from './csv-records.js';
import { buildDataset } from './jsonl.js';
import { pushFileChunks } from './text-stream.js';

export type { CsvRecord } from './csv-records.js';

/** Options of the CSV reader. */
export interface CsvOptions extends ReadLimits {
  /** Field separator (default `,`; `\t` for TSV; `.tsv` files default to tab in `loadDataset`). */
  readonly delimiter?: string;
  /** Column types; named columns are converted to them, others inferred. */
  readonly features?: Features;
}

/** Strings are fed to the splitter in pieces of this many characters, so limits bite while a field grows. */
const TEXT_PIECE_CHARS = 1024 * 1024;

/** Splits CSV text into records (RFC 4180 quoting). */
export function parseCsvRecords(text: string, file: string, options: CsvOptions = {}): CsvRecord[] {
  const records: CsvRecord[] = [];
  const splitter = newSplitter(file, options, (record) => records.push(record));
  for (let at = 0; at < text.length; at += TEXT_PIECE_CHARS)
    splitter.push(text.slice(at, at + TEXT_PIECE_CHARS));
  splitter.end();
  return records;
}

/**
 * Reads a CSV/TSV file with a header row into a Dataset. The file is streamed: memory holds the parsed
 * values and at most one record in progress (bounded by `maxLineChars`), never the whole text twice.
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Dataset> {
  await checkFileSize(path, options);
  const table = new CsvTable(path, options);
  const splitter = newSplitter(path, options, (record) => table.add(record));
  await pushFileChunks(path, splitter);
  splitter.end();
  return table.toDataset();
}

/** Parses CSV text with a header row; `file` names it in errors. */
export function parseCsv(text: string, file: string, options: CsvOptions = {}): Dataset {
  const table = new CsvTable(file, options);
  for (const record of parseCsvRecords(text, file, options)) table.add(record);
  return table.toDataset();
}

function newSplitter(
  file: string,
  options: CsvOptions,
  onRecord: (record: CsvRecord) => void,
): CsvRecordSplitter {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new DatasetFormatError(
      file,
      0,
      `delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`,
    );
  }
  return new CsvRecordSplitter(
    file,
    delimiter,
    options.maxLineChars ?? DEFAULT_LIMITS.maxLineChars,
    onRecord,
  );
}

/** Collects records into columns: the first is the header, the others must have as many fields. */
class CsvTable {
  private names: string[] | undefined;
  private raw: (string | null)[][] = [];
  private readonly lines: number[] = [];

  constructor(
    private readonly file: string,
    private readonly options: CsvOptions,
  ) {}

  add(record: CsvRecord): void {
    if (this.names === undefined) {
      const seen = new Set<string>();
      for (const name of record.fields) {
        if (seen.has(name))
          throw new DatasetFormatError(
            this.file,
            record.line,
            `column ${JSON.stringify(name)} appears twice in the header.`,
          );
        seen.add(name);
      }
      this.names = record.fields;
      this.raw = this.names.map(() => []);
      return;
    }
    const names = this.names;
    if (record.fields.length !== names.length) {
      throw new DatasetFormatError(
        this.file,
        record.line,
        `expected ${names.length} fields (${names.join(', ')}), found ${record.fields.length}.`,
      );
    }
    record.fields.forEach((value, c) => {
      (this.raw[c] as (string | null)[]).push(value === '' && !record.quoted[c] ? null : value);
    });
    this.lines.push(record.line);
  }

  toDataset(): Dataset {
    const { file, options, lines } = this;
    if (this.names === undefined) throw new DatasetFormatError(file, 0, 'empty file: expected a header row.');
    const columns = new Map<string, unknown[]>();
    this.names.forEach((name, c) => {
      const values = this.raw[c] as (string | null)[];
      const feature = options.features?.get(name);
      columns.set(
        name,
        feature === undefined
          ? inferCsvColumn(values, file, name, lines)
          : convertCsvColumn(values, feature, file, name, lines),
      );
    });
    return buildDataset(columns, lines, file, options.features);
  }
}

const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * pandas-like inference: all integers → numbers (int64), all numeric → numbers (float64), else strings.
 * An integer column with a value beyond ±(2^53 - 1) is an error (pandas keeps it as an exact int64; a
 * JavaScript number would round it), naming the way out: `features` with `Value('string')`.
 */
function inferCsvColumn(
  values: readonly (string | null)[],
  file: string,
  name: string,
  lines: readonly number[],
): unknown[] {
  const present = values.filter((value): value is string => value !== null);
  if (present.length > 0 && present.every((value) => INTEGER.test(value))) {
    values.forEach((value, i) => {
      if (value !== null) checkSafeInteger(value, file, name, lines[i] ?? 0);
    });
    return values.map((value) => (value === null ? null : Number(value)));
  }
  if (present.length > 0 && present.every((value) => NUMBER.test(value))) {
    return values.map((value) => (value === null ? null : Number(value)));
  }
  return [...values];
}

function checkSafeInteger(value: string, file: string, name: string, line: number): void {
  if (Number.isSafeInteger(Number(value))) return;
  throw new DatasetFormatError(
    file,
    line,
    `column "${name}": integer ${value} is beyond ±(2^53 - 1) and would be rounded; give this column Value('string') in features to keep it as text.`,
  );
}

/** Converts strings to what a given feature holds (ids for ClassLabel names, numbers for numeric Values). */
function convertCsvColumn(
  values: readonly (string | null)[],
  feature: unknown,
  file: string,
  name: string,
  lines: readonly number[],
): unknown[] {
  return values.map((value, i) => {
    if (value === null) return null;
    if (feature instanceof ClassLabel) return value;
    if (feature instanceof Value && feature.dtype !== 'string' && feature.dtype !== 'large_string') {
      if (feature.dtype === 'bool') {
        if (value === 'True' || value === 'true') return true;
        if (value === 'False' || value === 'false') return false;
      } else if (NUMBER.test(value)) {
        // A float column rounds as Python's float does; an integer column must hold the value exactly.
        if (!feature.dtype.startsWith('float') && INTEGER.test(value))
          checkSafeInteger(value, file, name, lines[i] ?? 0);
        return Number(value);
      }
      throw new DatasetFormatError(
        file,
        lines[i] ?? 0,
        `column "${name}": ${JSON.stringify(value)} is not a ${feature.dtype}.`,
      );
    }
    return value;
  });
}
