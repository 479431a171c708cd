import { describe, expect, it } from 'vitest';
import { batchIndices, shardBatches } from './shard-batches.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function shards(
  n: number,
  batchSize: number,
  numProcesses: number,
  opts: { dropLast?: boolean; evenBatches?: boolean } = {},
) {
  const dropLast = opts.dropLast ?? false;
  const batches = batchIndices(range(n), batchSize, dropLast);
  return range(numProcesses).map((processIndex) =>
    shardBatches(batches, {
      numProcesses,
      processIndex,
      batchSize,
      dropLast,
      evenBatches: opts.evenBatches ?? true,
    }),
  );
}

/**
 * Two processes, batch size 3: with 18 samples or more the first three rounds are always these; the
 * cases below differ in what comes after them.
 */
const process0Head = [
  [0, 1, 2],
  [6, 7, 8],
  [12, 13, 14],
];
const process1Head = [
  [3, 4, 5],
  [9, 10, 11],
  [15, 16, 17],
];
const indicesOf = (s: ReturnType<typeof shards>) => s.map((p) => p.map((b) => b.indices));

describe('batchIndices', () => {
  it('cuts like BatchSampler, with and without dropLast', () => {
    expect(batchIndices(range(7), 3, false)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(batchIndices(range(7), 3, true)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });
});

describe('shardBatches (accelerate BatchSamplerShard, split_batches=False)', () => {
  it('round multiple of the total batch size: batches alternate between processes', () => {
    expect(indicesOf(shards(24, 3, 2))).toEqual([
      [...process0Head, [18, 19, 20]],
      [...process1Head, [21, 22, 23]],
    ]);
  });

  it('round multiple of the batch size only: the last process loops back to the start', () => {
    const s = shards(21, 3, 2);
    expect(indicesOf(s)).toEqual([
      [...process0Head, [18, 19, 20]],
      [...process1Head, [0, 1, 2]],
    ]);
    expect(s[1]!.map((b) => b.duplicates)).toEqual([0, 0, 0, 3]);
    expect(s[0]!.map((b) => b.duplicates)).toEqual([0, 0, 0, 0]);
  });

  it('not a multiple of the batch size: the short batch is completed from the start', () => {
    expect(indicesOf(shards(22, 3, 2))).toEqual([
      [...process0Head, [18, 19, 20]],
      [...process1Head, [21, 0, 1]],
    ]);
    const s = shards(20, 3, 2);
    expect(indicesOf(s)).toEqual([
      [...process0Head, [18, 19, 0]],
      [...process1Head, [1, 2, 3]],
    ]);
    expect(s.map((p) => p.at(-1)!.duplicates)).toEqual([1, 3]);
  });

  it('a dataset smaller than one group repeats itself', () => {
    const s = shards(2, 3, 2);
    expect(indicesOf(s)).toEqual([[[0, 1, 0]], [[1, 0, 1]]]);
    expect(s.map((p) => p[0]!.duplicates)).toEqual([1, 3]);
  });

  it('three processes, one short batch: 10 samples by 3', () => {
    expect(indicesOf(shards(10, 3, 3))).toEqual([
      [
        [0, 1, 2],
        [9, 0, 1],
      ],
      [
        [3, 4, 5],
        [2, 3, 4],
      ],
      [
        [6, 7, 8],
        [5, 6, 7],
      ],
    ]);
  });

  it('dropLast drops the incomplete group', () => {
    expect(indicesOf(shards(22, 3, 2, { dropLast: true }))).toEqual([process0Head, process1Head]);
  });

  it('dropLast on a round multiple changes nothing; a dataset smaller than a batch yields nothing', () => {
    expect(indicesOf(shards(24, 3, 2, { dropLast: true }))).toEqual(indicesOf(shards(24, 3, 2)));
    expect(indicesOf(shards(2, 3, 2, { dropLast: true }))).toEqual([[], []]);
  });

  it('evenBatches false: accelerate test_batch_sampler_shards_with_no_splits_no_even values', () => {
    const uneven = (n: number) => indicesOf(shards(n, 3, 2, { evenBatches: false }));
    expect(uneven(21)).toEqual([[...process0Head, [18, 19, 20]], process1Head]);
    expect(uneven(22)).toEqual([
      [...process0Head, [18, 19, 20]],
      [...process1Head, [21]],
    ]);
    expect(uneven(20)).toEqual([[...process0Head, [18, 19]], process1Head]);
    expect(uneven(2)).toEqual([[[0, 1]], []]);
  });

  it('evenBatches false hands leftovers out as they are', () => {
    expect(indicesOf(shards(8, 3, 2, { evenBatches: false }))).toEqual([
      [
        [0, 1, 2],
        [6, 7],
      ],
      [[3, 4, 5]],
    ]);
  });

  it('covers every sample exactly once after dropping duplicates', () => {
    for (const [n, bs, p] of [
      [23, 4, 2],
      [50, 3, 4],
      [7, 8, 3],
      [64, 8, 2],
    ] as const) {
      const seen = shards(n, bs, p)
        .flatMap((proc) => proc.flatMap((b) => b.indices.slice(0, b.indices.length - b.duplicates)))
        .sort((a, b) => a - b);
      expect(seen).toEqual(range(n));
    }
  });

  it('validates the process index', () => {
    expect(() =>
      shardBatches([[0]], { numProcesses: 2, processIndex: 2, batchSize: 1, dropLast: false }),
    ).toThrow(/processIndex: must be < numProcesses \(2\)/);
  });
});
