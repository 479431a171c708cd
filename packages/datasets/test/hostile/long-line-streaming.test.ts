import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError, readConll, readJsonl } from '../../src/index.js';
import { tempFolder } from '../temp-folder.js';

const folder = tempFolder('ner-ds-hostile-lines-');
const LIMIT = 64 * 1024;

/** A first good line, then one line of `mebibytes` MiB (no line break until the very end). */
function writeLongLine(name: string, first: string, open: string, mebibytes: number, close: string): string {
  const path = join(folder, name);
  const fd = openSync(path, 'w');
  writeSync(fd, `${first}\n${open}`);
  const piece = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < mebibytes; i += 1) writeSync(fd, piece);
  writeSync(fd, `${close}\n`);
  closeSync(fd);
  return path;
}

describe('JSONL and CoNLL: files are streamed, a long line fails while it is read', () => {
  it('a 24 MiB line stops at the limit (the whole file is never one string)', async () => {
    const jsonl = writeLongLine('long.jsonl', '{"text": "a"}', '{"text": "', 24, '"}');
    const conll = writeLongLine('long.conll', 'EU B-ORG', 'token', 24, ' O');
    for (const read of [
      () => readJsonl(jsonl, { maxLineChars: LIMIT }),
      () => readConll(conll, { maxLineChars: LIMIT }),
    ]) {
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatasetFormatError);
      expect((error as DatasetFormatError).line).toBe(2);
      // "more than": the reader gave up before the line ended, so it never learned the line's length.
      expect((error as Error).message).toMatch(
        /long\.(jsonl|conll):2: line is more than 65536 characters; the limit is 65536 \(option maxLineChars\)\.$/,
      );
    }
  });
});
