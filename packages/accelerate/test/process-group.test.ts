import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CollectiveError, ProcessGroup } from '../src/index.js';
import { closeAll, startGroups } from './fixtures/groups.js';

// Each rank's input: rank r holds [r + 1, 2 (r + 1), ...] so sums, maxima and orders are telling.
const input = (rank: number, length: number) => Float32Array.from({ length }, (_, i) => (rank + 1) * (i + 1));

describe('ProcessGroup (in-process engine, real store)', () => {
  it.each([2, 4])('every collective equals the single-process computation (%i ranks)', async (n) => {
    const groups = await startGroups(n);
    const ranks = [...groups.keys()];
    const single = (f: (i: number) => number, length: number) =>
      Float32Array.from({ length }, (_, i) => f(i));
    const sum = single((i) => ranks.reduce((s, r) => s + (r + 1) * (i + 1), 0), 3);
    const sums = await Promise.all(groups.map((g) => g.allReduce(input(g.rank, 3), 'sum')));
    for (const s of sums) expect([...s]).toEqual([...sum]);
    const means = await Promise.all(groups.map((g) => g.allReduce(input(g.rank, 3), 'mean')));
    for (const m of means) expect([...m]).toEqual([...sum].map((v) => v / n));
    const maxes = await Promise.all(groups.map((g) => g.allReduce(Int32Array.of(g.rank, -g.rank), 'max')));
    for (const m of maxes) expect([...m]).toEqual([n - 1, 0]);
    const mins = await Promise.all(groups.map((g) => g.allReduce(Float64Array.of(g.rank + 0.5), 'min')));
    for (const m of mins) expect([...m]).toEqual([0.5]);
    const gathered = await Promise.all(groups.map((g) => g.allGather(input(g.rank, 2))));
    for (const all of gathered) expect([...all]).toEqual(ranks.flatMap((r) => [...input(r, 2)]));
    const uneven = await Promise.all(
      groups.map((g) => g.allGatherUneven(Uint8Array.from({ length: g.rank + 1 }, () => g.rank))),
    );
    for (const parts of uneven)
      expect(parts.map((p) => [...p])).toEqual(ranks.map((r) => Array(r + 1).fill(r)));
    const root = n - 1;
    const sent = await Promise.all(groups.map((g) => g.broadcast(Int32Array.of(g.rank * 10, 7), root)));
    for (const s of sent) expect([...s]).toEqual([root * 10, 7]);
    const bytes = await Promise.all(
      groups.map((g) => g.broadcastBytes(g.rank === 1 ? Uint8Array.of(9, 8, 7) : undefined, 1)),
    );
    for (const b of bytes) expect([...b]).toEqual([9, 8, 7]);
    const counts = ranks.map((r) => r + 1);
    const total = counts.reduce((a, b) => a + b, 0);
    const blocks = await Promise.all(groups.map((g) => g.reduceScatter(input(g.rank, total), counts, 'sum')));
    const full = single((i) => ranks.reduce((s, r) => s + (r + 1) * (i + 1), 0), total);
    let offset = 0;
    for (const [r, block] of blocks.entries()) {
      expect([...block]).toEqual([...full.subarray(offset, offset + counts[r]!)]);
      offset += counts[r]!;
    }
    await Promise.all(groups.map((g) => g.barrier()));
    await closeAll(groups);
  });

  it('allReduceTensor without device collectives: through the host, a new tensor, the input kept unless consumed', async () => {
    await tf.setBackend('cpu');
    const groups = await startGroups(2);
    expect(groups.every((g) => !g.reducesDeviceTensors)).toBe(true);
    const inputs = groups.map((g) => tf.tensor(input(g.rank, 4), [2, 2]));
    const means = await Promise.all(groups.map((g, r) => g.allReduceTensor(inputs[r]!, 'mean')));
    for (const mean of means) {
      expect(mean.shape).toEqual([2, 2]);
      expect([...mean.dataSync()]).toEqual([1.5, 3, 4.5, 6]);
    }
    expect([...inputs[1]!.dataSync()]).toEqual([...input(1, 4)]);
    const sums = await Promise.all(
      groups.map((g, r) => g.allReduceTensor(inputs[r]!, 'sum', { consume: true })),
    );
    expect([...sums[0]!.dataSync()]).toEqual([3, 6, 9, 12]);
    expect(inputs.every((t) => t.isDisposed)).toBe(true);
    await expect(groups[0]!.allReduceTensor(tf.tensor([1], [1], 'int32'))).rejects.toThrow(/float32/);
    tf.dispose([...means, ...sums]);
    await closeAll(groups);
  });

  it('a group of one needs no store or engine and returns its inputs', async () => {
    const group = await ProcessGroup.fromEnv({ WORLD_SIZE: '1', RANK: '0' });
    const data = Float32Array.of(1, 2);
    expect(await group.allReduce(data, 'sum')).toBe(data);
    expect([...(await group.allGather(Int32Array.of(3)))]).toEqual([3]);
    expect((await group.allGatherUneven(Uint8Array.of(1))).map((p) => [...p])).toEqual([[1]]);
    await group.barrier();
    await group.close();
  });

  it('different shapes across ranks: every rank fails naming the odd rank, nobody hangs', async () => {
    const groups = await startGroups(3);
    const results = await Promise.allSettled(
      groups.map((g) => g.allReduce(new Float32Array(g.rank === 1 ? 6 : 4), 'sum')),
    );
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as CollectiveError;
      expect(error).toBeInstanceOf(CollectiveError);
      expect(error.message).toMatch(/rank\(s\) 1 called something other than rank 0/);
      expect(error.message).toMatch(/rank 1: allReduce #1 of float32\[6\] sum/);
      expect(error.ranks).toEqual([1]);
    }
    // The group is broken afterwards: later collectives fail at once instead of hanging.
    await expect(groups[0]!.barrier()).rejects.toThrow(CollectiveError);
    await closeAll(groups);
  });

  it('a rank that never arrives is named by the others when the deadline passes', async () => {
    const groups = await startGroups(3, { timeoutMs: 1_500 });
    await Promise.all(groups.map((g) => g.barrier()));
    const started = Date.now();
    const results = await Promise.allSettled([groups[0]!.barrier(), groups[1]!.barrier()]);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const result of results) {
      const error = (result as PromiseRejectedResult).reason as CollectiveError;
      expect(error.message).toMatch(/rank\(s\) 2 did not arrive at barrier #2/);
      expect(error.ranks).toEqual([2]);
    }
    await closeAll(groups);
  });

  it('rank 0 gone (with the store): the others say so instead of blaming every rank', async () => {
    const groups = await startGroups(3, { timeoutMs: 1_000 });
    await groups[0]!.close();
    const results = await Promise.allSettled([groups[1]!.barrier(), groups[2]!.barrier()]);
    for (const result of results) {
      const error = (result as PromiseRejectedResult).reason as CollectiveError;
      expect(error.message).toMatch(/rank 0 \(which serves the store\) is unreachable/);
      expect(error.ranks).toEqual([0]);
    }
    await closeAll(groups.slice(1));
  });

  it('rejects bad ranks, world sizes and roots before touching the network', async () => {
    await expect(ProcessGroup.init({ rank: 3, worldSize: 2, secret: 'x' })).rejects.toThrow(
      /RANK must be in/,
    );
    await expect(ProcessGroup.init({ rank: 0, worldSize: 0 })).rejects.toThrow(/WORLD_SIZE/);
    await expect(ProcessGroup.fromEnv({ WORLD_SIZE: 'two' })).rejects.toThrow(
      /WORLD_SIZE must be an integer/,
    );
    await expect(
      ProcessGroup.fromEnv({ WORLD_SIZE: '2', RANK: '0', NER_PROCESS_GROUP_BACKEND: 'mpi' }),
    ).rejects.toThrow(/NER_PROCESS_GROUP_BACKEND must be one of gloo, nccl/);
    await expect(ProcessGroup.fromEnv({ WORLD_SIZE: '2', RANK: '1' })).rejects.toThrow(/NER_STORE_SECRET/);
    const [single] = [ProcessGroup.single()];
    await expect(single.broadcastBytes(undefined, 0)).rejects.toThrow(/root\) must give the payload/);
    expect(() => single.broadcast(Int32Array.of(1), 1)).toThrow(/root 1 is not a rank/);
  });
});
