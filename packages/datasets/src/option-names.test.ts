// loadDataset and the dataset methods refuse option names they do not take, naming them:
// `map(fn, { batched: true, remove_columns: [...] })` would otherwise keep the columns.
import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { DatasetDict } from './dataset-dict.js';
import { DatasetUsageError } from './errors.js';
import { loadDataset } from './load-dataset.js';

const rows = Dataset.fromRows([
  { tokens: ['a'], n: 1 },
  { tokens: ['b'], n: 2 },
]);

describe('datasets option names', () => {
  it('shuffle and sort refuse typos (an unseeded shuffle would differ every run)', () => {
    const ten = Dataset.fromRows(Array.from({ length: 10 }, (_, id) => ({ id })));
    expect(() => ten.shuffle({ sed: 42 } as object)).toThrow(
      'shuffle: sed: unknown option; did you mean seed?',
    );
    expect(() => ten.shuffle({ generator: {} } as object)).toThrow(/^shuffle: generator: not supported here/);
    expect(() => ten.sort('id', { descending: true } as object)).toThrow(/^sort: descending: unknown option/);
    // Python's first positional argument of shuffle is the seed.
    expect(ten.shuffle(42).column('id')).toEqual(
      ten.shuffle({ seed: 42, keepInMemory: true } as object).column('id'),
    );
    expect(ten.sort('id', { reverse: true, kind: 'stable' } as object).column('id')[0]).toBe(9);
    expect(new DatasetDict({ train: ten }).shuffle(7).get('train').column('id')).toEqual(
      ten.shuffle({ seed: 7 }).column('id'),
    );
  });

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
