// loadDataset and the dataset methods refuse option names they do not take, naming them:
// `map(fn, { batched: true, remove_columns: [...] })` would otherwise keep the columns.
import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { DatasetUsageError } from './errors.js';
import { loadDataset } from './load-dataset.js';

const rows = Dataset.fromRows([
  { tokens: ['a'], n: 1 },
  { tokens: ['b'], n: 2 },
]);

describe('datasets option names', () => {
  it("map, filter and trainTestSplit: Python's spelling, a typo, Python-only arguments", () => {
    expect(() => rows.map((r) => r, { remove_columns: ['tokens'] } as object)).toThrow(DatasetUsageError);
    expect(() => rows.map((r) => r, { remove_columns: ['tokens'] } as object)).toThrow(
      "map: remove_columns: unknown option; that is Python's spelling, here it is removeColumns",
    );
    expect(() => rows.filter(() => true, { batchd: true } as object)).toThrow(
      'filter: batchd: unknown option; did you mean batched?',
    );
    expect(() => rows.map((r) => r, { num_proc: 4 } as object)).toThrow(
      /^map: num_proc: not supported here: the function runs/,
    );
    expect(() => rows.trainTestSplit({ test_size: 0.5 } as object)).toThrow(/here it is testSize$/);
    const mapped = rows.map((r) => ({ n2: (r.n as number) * 2 }), {
      removeColumns: ['tokens'],
      ...{ desc: 'doubling', num_proc: 1 },
    });
    expect(mapped.columnNames).toEqual(['n', 'n2']);
  });

  it('loadDataset, before it reads anything', async () => {
    await expect(loadDataset('/nonexistent/data', { data_files: 'x.json' } as object)).rejects.toThrow(
      "loadDataset: data_files: unknown option; that is Python's spelling, here it is dataFiles",
    );
    await expect(loadDataset('/nonexistent/data', { streaming: true } as object)).rejects.toThrow(
      /^loadDataset: streaming: not supported here: datasets are read into memory$/,
    );
  });
});
