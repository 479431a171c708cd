import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError, readParquet } from '../../src/index.js';
import { tempFolder } from '../temp-folder.js';

const folder = tempFolder('ner-ds-hostile-parquet-');

/** A 3-row parquet file whose only row group's num_rows is overwritten with 0 (the file's stays 3). */
function parquetWithZeroedRowGroup(): Uint8Array {
  const bytes = new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [1n, 2n, 3n], type: 'INT64' },
        { name: 'text', data: ['a', 'b', 'c'], type: 'STRING' },
      ],
    }),
  );
  const footerLength = new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
  const footerStart = bytes.length - 8 - footerLength;
  // Thrift compact: field header 0x16 (i64, delta 1) then zigzag varint 0x06 (= 3). The last such pair in
  // the footer is the row group's num_rows; the first is the file's.
  let at = -1;
  for (let i = bytes.length - 10; i >= footerStart; i -= 1) {
    if (bytes[i] === 0x16 && bytes[i + 1] === 0x06) {
      at = i + 1;
      break;
    }
  }
  bytes[at] = 0x00;
  return bytes;
}

describe('Parquet: rows read must match the metadata', () => {
  it('a corrupt footer whose row group says 0 rows is an error, not an empty dataset', async () => {
    const bytes = parquetWithZeroedRowGroup();
    const metadata = parquetMetadata(bytes.buffer as ArrayBuffer);
    expect(metadata.num_rows).toBe(3n);
    expect(metadata.row_groups.map((group) => group.num_rows)).toEqual([0n]);
    const path = join(folder, 'corrupt-footer.parquet');
    writeFileSync(path, bytes);
    const error = await readParquet(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as DatasetFormatError).file).toBe(path);
    expect((error as Error).message).toBe(
      `${path}: the metadata says num_rows = 3 but its 1 row groups hold 0; the footer is corrupt.`,
    );
  });
});
