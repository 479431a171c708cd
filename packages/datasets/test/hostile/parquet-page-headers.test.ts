// hyparquet trusts page headers: a data page v2 header that lost repetition_levels_byte_length (one
// byte changed) made it read at offset `undefined` and spin forever. readParquet checks every page
// header first, so the file fails at once with an error naming row group, column and page.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError, readParquet } from '../../src/index.js';
import { tempFolder } from '../temp-folder.js';

const folder = tempFolder('ner-ds-hostile-pages-');

function smallParquet(): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ['0', '1', '2'], type: 'STRING' },
        { name: 'n', data: [1n, 2n, 3n], type: 'INT64' },
      ],
    }),
  );
}

describe('Parquet: page headers are checked before decoding', () => {
  it('a v2 page header whose level length became another field is an error, not a hang', async () => {
    const bytes = smallParquet();
    // The first page header starts at byte 4 (after "PAR1"). Thrift compact: byte 21 is the field
    // header 0x15 of data_page_header_v2's field 6 (repetition_levels_byte_length, i32); 0x40 makes
    // it field 10, which hyparquet ignores, so the field is missing.
    expect(bytes[21]).toBe(0x15);
    bytes[21] = 0x40;
    const path = join(folder, 'no-level-length.parquet');
    writeFileSync(path, bytes);
    const error = await readParquet(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as Error).message).toBe(
      `${path}: row group 0, column "id", page 0 (byte 4): definition_levels_byte_length or ` +
        'repetition_levels_byte_length is missing or not a count; the file is corrupt.',
    );
  }, 10_000);

  it('a page that runs past its column chunk is an error naming it', async () => {
    const bytes = smallParquet();
    // compressed_page_size is the header's field 3 (zigzag varint after 0x15 0x.. of field 2): make
    // the page claim more bytes than the chunk holds by raising the varint's value.
    const header = 4;
    expect(bytes[header]).toBe(0x15); // field 1, i32: the page type
    const third = bytes.indexOf(0x15, header + 3); // field 3 follows field 2's value
    bytes[third + 1] = 0x7e; // zigzag 63
    const path = join(folder, 'long-page.parquet');
    writeFileSync(path, bytes);
    const error = await readParquet(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as Error).message).toMatch(
      /: row group 0, column "id", page 0 \(byte 4\): the page's 63 bytes run past the end of its column chunk; the file is corrupt\.$/,
    );
  });

  it('an intact file still reads', async () => {
    const path = join(folder, 'intact.parquet');
    writeFileSync(path, smallParquet());
    const dataset = await readParquet(path);
    expect(dataset.columnNames).toEqual(['id', 'n']);
    expect(dataset.get(2)).toEqual({ id: '2', n: 3 });
  });
});

describe('Parquet: a bad feature in the huggingface metadata', () => {
  it('names the file once, then the field', async () => {
    const bytes = parquetWriteBuffer({
      columnData: [{ name: 'x', data: [1n], type: 'INT64' }],
      kvMetadata: [{ key: 'huggingface', value: JSON.stringify({ info: { features: { x: 7 } } }) }],
    });
    const path = join(folder, 'bad-feature.parquet');
    writeFileSync(path, new Uint8Array(bytes));
    const error = await readParquet(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as Error).message.startsWith(`${path}: huggingface metadata features.x: `)).toBe(true);
    expect((error as Error).message.split(path)).toHaveLength(2);
  });
});
