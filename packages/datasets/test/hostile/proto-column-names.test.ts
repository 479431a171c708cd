import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { Dataset, parseCsv, parseJsonl, readParquet } from '../../src/index.js';
import { tempFolder } from '../temp-folder.js';

const folder = tempFolder('ner-ds-hostile-proto-');

/** Own keys and values of a row, and the prototype it must keep. */
function expectOrdinaryRow(row: Record<string, unknown>, expected: Record<string, unknown>): void {
  expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  expect(Object.keys(row)).toEqual(Object.keys(expected));
  for (const key of Object.keys(expected)) {
    expect(Object.hasOwn(row, key)).toBe(true);
    expect(row[key]).toEqual(expected[key]);
  }
}

describe('columns named __proto__ and constructor are ordinary columns', () => {
  it('CSV, JSONL, Parquet and fromRows keep them in rows and batches', async () => {
    const csv = parseCsv('__proto__,constructor,text\n1,2,a\n3,4,b\n', 'p.csv');
    expect(csv.columnNames).toEqual(['__proto__', 'constructor', 'text']);
    // (An object literal's `__proto__:` would set the prototype, so expected rows come from JSON.parse.)
    expectOrdinaryRow(csv.get(1), JSON.parse('{"__proto__": 3, "constructor": 4, "text": "b"}'));
    expect(Object.keys(csv.slice(0, 2))).toEqual(['__proto__', 'constructor', 'text']);
    expect(JSON.parse(csv.toJSONL().split('\n')[0] as string)).toEqual(
      JSON.parse('{"__proto__":1,"constructor":2,"text":"a"}'),
    );

    const jsonl = parseJsonl('{"__proto__": "x", "constructor": [1, 2]}\n', 'p.jsonl');
    expect(jsonl.columnNames).toEqual(['__proto__', 'constructor']);
    const row = jsonl.get(0);
    expectOrdinaryRow(row, JSON.parse('{"__proto__": "x", "constructor": [1, 2]}'));

    const path = join(folder, 'proto.parquet');
    writeFileSync(
      path,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: '__proto__', data: ['p', 'q'], type: 'STRING' },
            { name: 'label', data: [0n, 1n], type: 'INT64' },
          ],
        }),
      ),
    );
    const parquet = await readParquet(path);
    expect(parquet.columnNames).toEqual(['__proto__', 'label']);
    expect(parquet.column('__proto__')).toEqual(['p', 'q']);
    expectOrdinaryRow(parquet.get(0), JSON.parse('{"__proto__": "p", "label": 0}'));

    const fromRows = Dataset.fromRows([JSON.parse('{"__proto__": 5, "n": 1}'), { n: 2 }]);
    expect(fromRows.columnNames).toEqual(['__proto__', 'n']);
    expect(fromRows.column('__proto__')).toEqual([5, null]);
  });
});
