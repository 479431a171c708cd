import { describe, expect, it } from 'vitest';
import { DataLoader } from './data-loader.js';
import { seededPermutation } from './mt19937.js';
import type { IndexedRows } from './row-source.js';
import { DataCollatorForTokenClassification } from './token-classification-collator.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const rowsOf = (n: number) =>
  range(n).map((i) => ({ input_ids: range((i % 5) + 1).map((j) => 100 + j), idx: i }));
const identity = (rows: { idx: number }[]) => rows.map((r) => r.idx);

describe('DataLoader order', () => {
  it('visits rows in order without shuffle, with a short last batch', () => {
    const loader = new DataLoader(rowsOf(7), { batchSize: 3, collateFn: identity });
    expect([...loader]).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(loader.length).toBe(3);
  });

  it('dropLast drops the short batch', () => {
    const loader = new DataLoader(rowsOf(7), { batchSize: 3, dropLast: true, collateFn: identity });
    expect([...loader]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('shuffles with torch.randperm(n, Generator().manual_seed(seed + epoch))', () => {
    const loader = new DataLoader(rowsOf(6), {
      batchSize: 6,
      shuffle: true,
      seed: 1234,
      collateFn: identity,
    });
    // torch.randperm(6) after torch.manual_seed(1234) is [3, 2, 4, 5, 1, 0].
    expect([...loader]).toEqual([[3, 2, 4, 5, 1, 0]]);
    expect(loader.epoch).toBe(1);
    expect([...loader].flat()).toEqual(seededPermutation(6, 1235));
  });

  it('same seed, same order; different epoch, different order; setEpoch replays', () => {
    const a = new DataLoader(rowsOf(50), { batchSize: 8, shuffle: true, seed: 3, collateFn: identity });
    const b = new DataLoader(rowsOf(50), { batchSize: 8, shuffle: true, seed: 3, collateFn: identity });
    const first = [...a].flat();
    expect([...b].flat()).toEqual(first);
    const second = [...a].flat();
    expect(second).not.toEqual(first);
    expect([...second].sort((x, y) => x - y)).toEqual(range(50));
    a.setEpoch(0);
    expect([...a].flat()).toEqual(first);
    const other = new DataLoader(rowsOf(50), { batchSize: 8, shuffle: true, seed: 4, collateFn: identity });
    expect([...other].flat()).not.toEqual(first);
  });

  it('breaking out early does not advance the epoch', () => {
    const loader = new DataLoader(rowsOf(10), { batchSize: 2, shuffle: true, collateFn: identity });
    for (const _ of loader) break;
    expect(loader.epoch).toBe(0);
  });

  it('groups by length with the longest batch first', () => {
    const rows = rowsOf(40);
    const loader = new DataLoader(rows, { batchSize: 4, groupByLength: true, collateFn: identity });
    const batches = [...loader];
    expect(rows[batches[0]![0]!]!.input_ids.length).toBe(5);
    expect(batches.flat().sort((x, y) => x - y)).toEqual(range(40));
  });

  it('accepts any object with numRows and get(i), and a collator object', () => {
    const rows = rowsOf(5);
    const dataset: IndexedRows<(typeof rows)[number]> = { numRows: 5, get: (i) => rows[i]! };
    const collator = new DataCollatorForTokenClassification({ padTokenId: 0, extraKeys: 'drop' });
    const loader = new DataLoader(dataset, { batchSize: 2, collateFn: collator });
    const batches = [...loader];
    expect(batches.map((b) => b.input_ids.shape)).toEqual([
      [2, 2],
      [2, 4],
      [1, 5],
    ]);
  });

  it('defaults to the default collator', () => {
    const loader = new DataLoader([{ x: 1 }, { x: 2 }], { batchSize: 2 });
    expect([...loader][0]!.x?.toArray()).toEqual([1, 2]);
  });

  it('rejects bad options', () => {
    expect(() => new DataLoader(rowsOf(3), { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new DataLoader(rowsOf(3), { numProcesses: 2, processIndex: 2 })).toThrow(/processIndex/);
    expect(() => new DataLoader({} as never)).toThrow(/numRows and get/);
    expect(() => new DataLoader(rowsOf(3), { groupByLength: true, lengths: [1, 2] })).toThrow(/lengths/);
  });
});

describe('DataLoader sharding (accelerate)', () => {
  function processes(n: number, batchSize: number, numProcesses: number, extra: { dropLast?: boolean } = {}) {
    return range(numProcesses).map(
      (processIndex) =>
        new DataLoader(rowsOf(n), {
          batchSize,
          shuffle: true,
          seed: 11,
          numProcesses,
          processIndex,
          collateFn: identity,
          ...extra,
        }),
    );
  }

  it('two processes cover every index exactly once, padded to equal batch counts', () => {
    const loaders = processes(23, 4, 2);
    const runs = loaders.map((loader) => [...loader.steps()]);
    expect(runs[0]!.length).toBe(3);
    expect(runs[1]!.length).toBe(3);
    expect(loaders[0]!.remainder).toBe(23 % 8);
    expect(loaders[0]!.duplicatedSamples).toBe(1);
    const real = runs.flatMap((steps) =>
      steps.flatMap((s) => s.indices.slice(0, s.indices.length - s.duplicates)),
    );
    expect(real.sort((a, b) => a - b)).toEqual(range(23));
    // Every batch is full, and only the last step carries repeats.
    for (const steps of runs) {
      for (const s of steps) expect(s.indices.length).toBe(4);
      expect(steps.slice(0, -1).every((s) => s.duplicates === 0)).toBe(true);
      expect(steps.at(-1)!.isLast).toBe(true);
    }
    // gather_for_metrics: the gathered last step keeps its first `remainder` samples, the rest are repeats.
    const gathered = runs.flatMap((steps) => steps.at(-1)!.batch);
    const kept = gathered.slice(0, loaders[0]!.remainder);
    const earlier = runs.flatMap((steps) => steps.slice(0, -1).flatMap((s) => s.batch));
    expect([...earlier, ...kept].sort((a, b) => a - b)).toEqual(range(23));
  });

  it('processes share one global order: together they replay the unsharded loader', () => {
    const [p0, p1] = processes(24, 3, 2);
    const single = new DataLoader(rowsOf(24), { batchSize: 3, shuffle: true, seed: 11, collateFn: identity });
    const all = [...single];
    const b0 = [...p0!];
    const b1 = [...p1!];
    expect(b0).toEqual(all.filter((_, k) => k % 2 === 0));
    expect(b1).toEqual(all.filter((_, k) => k % 2 === 1));
    expect(p0!.duplicatedSamples).toBe(0);
  });

  it('dropLast: no repeats, remainder -1', () => {
    const [p0, p1] = processes(23, 4, 2, { dropLast: true });
    expect(p0!.length).toBe(2);
    expect(p1!.length).toBe(2);
    expect(p0!.remainder).toBe(-1);
    expect(p0!.duplicatedSamples).toBe(0);
  });
});
