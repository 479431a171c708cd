/**
 * Checks every page header of a parquet file before hyparquet decodes it. hyparquet trusts the
 * headers: a data page v2 header that lost its `repetition_levels_byte_length` (one flipped byte)
 * makes it read from offset `undefined`, which never reaches the end of the page, and the read spins
 * forever. Here each header is parsed with hyparquet's own reader, and its sizes, counts and
 * encodings must be present and consistent with the column chunk, so such a file fails with an error
 * naming the row group, column and page instead.
 */
import type { ColumnChunk, FileMetaData, PageHeader } from 'hyparquet';
import { DatasetFormatError } from '../errors.js';

/** hyparquet's page-header reader (its `src/column.js`, which its exports map publishes). */
type ParquetHeaderReader = (reader: { view: DataView; offset: number }) => PageHeader;

/**
 * hyparquet's `parquetHeader`, or undefined if a later hyparquet moved it: the check is then
 * skipped (it guards against a hyparquet defect) rather than failing every read.
 */
export async function loadHeaderReader(): Promise<ParquetHeaderReader | undefined> {
  try {
    const column = (await import('hyparquet/src/column.js')) as { parquetHeader?: unknown };
    return typeof column.parquetHeader === 'function'
      ? (column.parquetHeader as ParquetHeaderReader)
      : undefined;
  } catch {
    return undefined;
  }
}

const DATA_PAGE_TYPES = new Set(['DATA_PAGE', 'DATA_PAGE_V2', 'DICTIONARY_PAGE', 'INDEX_PAGE']);

/** A non-negative safe integer from a bigint or number (parquet's counts are i32 or i64), else undefined. */
export function asCount(value: unknown): number | undefined {
  const number = typeof value === 'bigint' ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

/** Throws a DatasetFormatError about one page (or chunk) of the file. */
function fail(file: string, where: string, detail: string): never {
  throw new DatasetFormatError(file, 0, `${where}: ${detail}; the file is corrupt.`);
}

/**
 * Walks the pages of every column chunk in `bytes` (the whole file) and checks each header: a known
 * page type; sizes that are counts and stay inside the chunk; for data pages, `num_values` (and for v2
 * pages `num_nulls`, `num_rows` and both level lengths) present, counted, and within the chunk's
 * `num_values` and the page's size; a known encoding.
 */
export function checkPageHeaders(
  bytes: Uint8Array,
  metadata: FileMetaData,
  file: string,
  parquetHeader: ParquetHeaderReader,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  metadata.row_groups.forEach((group, groupIndex) => {
    group.columns.forEach((chunk, columnIndex) => {
      checkChunk(
        view,
        chunk,
        `row group ${groupIndex}, column ${chunkName(chunk, columnIndex)}`,
        file,
        parquetHeader,
      );
    });
  });
}

function chunkName(chunk: ColumnChunk, index: number): string {
  const path = chunk.meta_data?.path_in_schema;
  return Array.isArray(path) && path.every((part) => typeof part === 'string')
    ? JSON.stringify(path.join('.').slice(0, 200))
    : String(index);
}

function checkChunk(
  view: DataView,
  chunk: ColumnChunk,
  where: string,
  file: string,
  parquetHeader: ParquetHeaderReader,
): void {
  const meta = chunk.meta_data;
  if (meta === undefined) fail(file, where, 'no column metadata');
  const dictionaryStart =
    meta.dictionary_page_offset === undefined ? undefined : asCount(meta.dictionary_page_offset);
  const dataStart = asCount(meta.data_page_offset);
  const size = asCount(meta.total_compressed_size);
  const values = asCount(meta.num_values);
  if (dataStart === undefined || size === undefined || values === undefined) {
    fail(file, where, 'data_page_offset, total_compressed_size or num_values is not a count');
  }
  // Where hyparquet starts reading the chunk: the dictionary page if there is one (0 means none).
  const start = dictionaryStart ? dictionaryStart : dataStart;
  const end = start + size;
  if (end > view.byteLength) {
    fail(file, where, `the column chunk spans bytes ${start}..${end} of a ${view.byteLength}-byte file`);
  }
  const reader = { view: new DataView(view.buffer, view.byteOffset + start, size), offset: 0 };
  let dataValues = 0;
  for (let page = 0; reader.offset < size && dataValues < values; page += 1) {
    const at = `${where}, page ${page} (byte ${start + reader.offset})`;
    let header: PageHeader;
    try {
      header = parquetHeader(reader);
    } catch (error) {
      fail(file, at, `unreadable page header (${(error as Error).message})`);
    }
    const compressed = asCount(header.compressed_page_size);
    const uncompressed = asCount(header.uncompressed_page_size);
    if (!DATA_PAGE_TYPES.has(String(header.type))) fail(file, at, 'unknown page type');
    if (compressed === undefined || uncompressed === undefined) {
      fail(file, at, 'compressed_page_size or uncompressed_page_size is not a count');
    }
    if (reader.offset + compressed > size) {
      fail(file, at, `the page's ${compressed} bytes run past the end of its column chunk`);
    }
    dataValues += checkPage(header, compressed, values, at, file);
    reader.offset += compressed;
  }
}

/** Checks a page header's own fields; returns how many of the chunk's values the page holds. */
function checkPage(
  header: PageHeader,
  compressed: number,
  chunkValues: number,
  at: string,
  file: string,
): number {
  if (header.type === 'DATA_PAGE') {
    const daph = header.data_page_header;
    const n = asCount(daph?.num_values);
    if (daph === undefined || n === undefined) fail(file, at, 'data page without a num_values count');
    if (n > chunkValues) fail(file, at, `num_values ${n} exceeds the column chunk's ${chunkValues}`);
    if (typeof daph.encoding !== 'string') fail(file, at, 'data page with an unknown encoding');
    return n;
  }
  if (header.type === 'DATA_PAGE_V2') {
    const v2 = header.data_page_header_v2;
    if (v2 === undefined) fail(file, at, 'data page v2 without its header');
    const n = asCount(v2.num_values);
    const nulls = asCount(v2.num_nulls);
    const rows = asCount(v2.num_rows);
    const definition = asCount(v2.definition_levels_byte_length);
    const repetition = asCount(v2.repetition_levels_byte_length);
    if (n === undefined || nulls === undefined || rows === undefined) {
      fail(file, at, 'num_values, num_nulls or num_rows is missing or not a count');
    }
    if (definition === undefined || repetition === undefined) {
      fail(
        file,
        at,
        'definition_levels_byte_length or repetition_levels_byte_length is missing or not a count',
      );
    }
    if (n > chunkValues) fail(file, at, `num_values ${n} exceeds the column chunk's ${chunkValues}`);
    if (nulls > n) fail(file, at, `num_nulls ${nulls} exceeds num_values ${n}`);
    if (definition + repetition > compressed) {
      fail(file, at, `levels of ${definition + repetition} bytes in a page of ${compressed}`);
    }
    if (typeof v2.encoding !== 'string') fail(file, at, 'data page v2 with an unknown encoding');
    return n;
  }
  if (header.type === 'DICTIONARY_PAGE') {
    const n = asCount(header.dictionary_page_header?.num_values);
    if (n === undefined) fail(file, at, 'dictionary page without a num_values count');
  }
  return 0;
}
