/**
 * CSV / TSV (RFC 4180): a header row, fields separated by `,` (or tab, or any one character), fields in
 * double quotes may hold separators, line breaks and `""` for a quote; CRLF or LF. Like Python's `csv`
 * module, a quote inside an unquoted field is kept as text. Values come in as strings; a column whose
 * values all look like integers (or numbers) becomes `int64` (`float64`) as pandas infers, an empty
 * field is null. With `features`, ClassLabel columns take names or ids.
 */
import { readFile } from 'node:fs/promises';
import type { Dataset } from '../dataset.js';
import { DatasetFormatError } from '../errors.js';
import { ClassLabel, type Features, Value } from '../features.js';
import { checkFileSize, DEFAULT_LIMITS, type ReadLimits } from '../limits.js';
import { buildDataset } from './jsonl.js';

/** Options of the CSV reader. */
export interface CsvOptions extends ReadLimits {
  /** Field separator (default `,`; `\t` for TSV; `.tsv` files default to tab in `loadDataset`). */
  readonly delimiter?: string;
  /** Column types; named columns are converted to them, others inferred. */
  readonly features?: Features;
}

/** One parsed record and the line it started on. */
export interface CsvRecord {
  readonly fields: string[];
  /** Which fields were quoted (an empty quoted field is an empty string, an empty bare one is null). */
  readonly quoted: boolean[];
  readonly line: number;
}

/** Splits CSV text into records (RFC 4180 quoting). */
export function parseCsvRecords(text: string, file: string, options: CsvOptions = {}): CsvRecord[] {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new DatasetFormatError(
      file,
      0,
      `delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`,
    );
  }
  const maxField = options.maxLineChars ?? DEFAULT_LIMITS.maxLineChars;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let quoted: boolean[] = [];
  let field = '';
  let fieldQuoted = false;
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    if (field.length > maxField)
      throw new DatasetFormatError(
        file,
        recordLine,
        `field longer than ${maxField} characters (option maxLineChars).`,
      );
    fields.push(field);
    quoted.push(fieldQuoted);
    field = '';
    fieldQuoted = false;
  };
  const endRecord = () => {
    endField();
    // A blank line is no record (Python's csv reader yields [] and readers skip it).
    if (!(fields.length === 1 && fields[0] === '' && !quoted[0]))
      records.push({ fields, quoted, line: recordLine });
    fields = [];
    quoted = [];
  };
  while (i < text.length) {
    const char = text[i] as string;
    if (inQuotes) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i += 1;
        continue;
      }
      if (char === '\n') line += 1;
      field += char;
      i += 1;
      continue;
    }
    if (char === '"' && field === '' && !fieldQuoted) {
      inQuotes = true;
      fieldQuoted = true;
      i += 1;
      continue;
    }
    if (char === delimiter) {
      endField();
      i += 1;
      continue;
    }
    if (char === '\r' || char === '\n') {
      endRecord();
      i += char === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    field += char;
    i += 1;
  }
  if (inQuotes) throw new DatasetFormatError(file, recordLine, 'a quoted field is never closed (missing ").');
  if (field !== '' || fieldQuoted || fields.length > 0) endRecord();
  return records;
}

/** Reads a CSV/TSV file with a header row into a Dataset. */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Dataset> {
  await checkFileSize(path, options);
  return parseCsv(await readFile(path, 'utf8'), path, options);
}

/** Parses CSV text with a header row; `file` names it in errors. */
export function parseCsv(text: string, file: string, options: CsvOptions = {}): Dataset {
  const records = parseCsvRecords(text, file, options);
  const header = records[0];
  if (header === undefined) throw new DatasetFormatError(file, 0, 'empty file: expected a header row.');
  const names = header.fields;
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw new DatasetFormatError(
        file,
        header.line,
        `column ${JSON.stringify(name)} appears twice in the header.`,
      );
    seen.add(name);
  }
  const raw = names.map(() => [] as (string | null)[]);
  const lines: number[] = [];
  for (let r = 1; r < records.length; r += 1) {
    const record = records[r] as CsvRecord;
    if (record.fields.length !== names.length) {
      throw new DatasetFormatError(
        file,
        record.line,
        `expected ${names.length} fields (${names.join(', ')}), found ${record.fields.length}.`,
      );
    }
    record.fields.forEach((value, c) => {
      (raw[c] as (string | null)[]).push(value === '' && !record.quoted[c] ? null : value);
    });
    lines.push(record.line);
  }
  const columns = new Map<string, unknown[]>();
  names.forEach((name, c) => {
    const values = raw[c] as (string | null)[];
    const feature = options.features?.get(name);
    columns.set(
      name,
      feature === undefined ? inferCsvColumn(values) : convertCsvColumn(values, feature, file, name, lines),
    );
  });
  return buildDataset(columns, lines, file, options.features);
}

const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** pandas-like inference: all integers → numbers (int64), all numeric → numbers (float64), else strings. */
function inferCsvColumn(values: readonly (string | null)[]): unknown[] {
  const present = values.filter((value): value is string => value !== null);
  if (
    present.length > 0 &&
    present.every((value) => INTEGER.test(value) && Number.isSafeInteger(Number(value)))
  ) {
    return values.map((value) => (value === null ? null : Number(value)));
  }
  if (present.length > 0 && present.every((value) => NUMBER.test(value))) {
    return values.map((value) => (value === null ? null : Number(value)));
  }
  return [...values];
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
