// A JSON Lines file whose every line brings a new key: each key is a column and each missing key a
// null cell, so such a file grows as rows × columns. Before the limits, 10,000 such lines (119 KB)
// took 13 s and 1.5 GB; now the reader stops at maxColumns or maxCells, naming the line.
import { describe, expect, it } from 'vitest';
import { parseJsonl } from '../../src/index.js';
import { expectFormatError } from '../thrown-by.js';

const newKeyPerLine = (lines: number) =>
  Array.from({ length: lines }, (_, i) => JSON.stringify({ [`k${i}`]: 1 })).join('\n');

describe('JSONL: columns and cells are bounded as lines are read', () => {
  it('the key that would pass maxColumns is an error naming its line', () => {
    expectFormatError(() => parseJsonl(newKeyPerLine(10_000), 'wide.jsonl'), {
      message: 'wide.jsonl:4097: key "k4096" would be column 4097; the limit is 4096 (option maxColumns).',
    });
    expectFormatError(() => parseJsonl(newKeyPerLine(4), 'wide.jsonl', { maxColumns: 3 }), {
      message: 'wide.jsonl:4: key "k3" would be column 4; the limit is 3 (option maxColumns).',
    });
  });

  it('so is the line at which rows × columns passes maxCells', () => {
    const text = `${JSON.stringify({ a: 1, b: 2, c: 3 })}\n${'{"a": 4}\n'.repeat(5)}`;
    expectFormatError(() => parseJsonl(text, 'tall.jsonl', { maxCells: 15 }), {
      message:
        'tall.jsonl:6: 3 columns × 6 rows = 18 cells (a missing key is a null cell); the limit is 15 (option maxCells).',
    });
  });

  it('within the limits, missing keys are null in first-seen column order', () => {
    const dataset = parseJsonl('{"a": 1}\n{"b": "x"}\n\n{"a": 3, "c": true}\n', 'sparse.jsonl');
    expect(dataset.columnNames).toEqual(['a', 'b', 'c']);
    expect([dataset.get(0), dataset.get(1), dataset.get(2)]).toEqual([
      { a: 1, b: null, c: null },
      { a: null, b: 'x', c: null },
      { a: 3, b: null, c: true },
    ]);
  });
});
