import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError, readCsv } from '../../src/index.js';
import { tempFolder } from '../temp-folder.js';

const folder = tempFolder('ner-ds-hostile-csv-');
const LIMIT = 64 * 1024;

/** `text,label` then one row whose text is a quoted field of `chars` characters (closed or not). */
function writeQuotedField(name: string, chars: number, closed: boolean): string {
  const path = join(folder, name);
  const fd = openSync(path, 'w');
  writeSync(fd, 'text,label\n"');
  const piece = 'x'.repeat(1024 * 1024);
  for (let left = chars; left > 0; left -= piece.length) writeSync(fd, piece.slice(0, left));
  writeSync(fd, closed ? '",1\n' : ',1\n');
  closeSync(fd);
  return path;
}

describe('CSV: a huge quoted field is stopped while it grows', () => {
  it('a quote that is never closed fails at the limit, not at the end of the file', async () => {
    const path = writeQuotedField('unclosed.csv', 4 * 1024 * 1024, false);
    const error = await readCsv(path, { maxLineChars: LIMIT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as DatasetFormatError).file).toBe(path);
    expect((error as DatasetFormatError).line).toBe(2);
    expect((error as Error).message).toContain(`longer than ${LIMIT} characters (option maxLineChars)`);
    expect((error as Error).message).toContain('is a closing quote (") missing?');
  });

  it('a closed 40 MiB field over the limit fails fast with file, line and limit', async () => {
    const path = writeQuotedField('huge.csv', 40 * 1024 * 1024, true);
    const started = performance.now();
    const error = await readCsv(path, { maxLineChars: LIMIT }).catch((e: unknown) => e);
    const seconds = (performance.now() - started) / 1000;
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as Error).message).toMatch(
      /huge\.csv:2: field 1 of the record starting here is longer than 65536 characters/,
    );
    // Building the field one character at a time took minutes and gigabytes; slices stop at the limit.
    expect(seconds).toBeLessThan(4);
  });

  it('a record of many small fields is bounded too', async () => {
    const path = join(folder, 'wide.csv');
    const fields = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const row = fields.map(() => 'y'.repeat(1000)).join(',');
    writeFileSync(path, `${fields.join(',')}\n${row}\n`);
    const error = await readCsv(path, { maxLineChars: 50_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as Error).message).toBe(
      `${path}:2: the record starting here is longer than 50000 characters (option maxLineChars).`,
    );
  });
});
