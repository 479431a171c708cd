import { describe, expect, it } from 'vitest';
import { CollectiveError, findFreePort, ProcessGroup } from '../src/index.js';

describe('ProcessGroup over loopback (3 ranks in one process)', () => {
  it('all-reduces, gathers, broadcasts and reports a lost peer', async () => {
    const masterPort = await findFreePort();
    const groups = await Promise.all(
      [0, 1, 2].map((rank) => ProcessGroup.connect({ rank, worldSize: 3, masterPort })),
    );
    const sums = await Promise.all(groups.map((g) => g.allReduce(Float32Array.from([g.rank, 1]), 'sum')));
    for (const sum of sums) expect([...sum]).toEqual([3, 3]);
    const means = await Promise.all(groups.map((g) => g.allReduce(Float32Array.from([g.rank * 3]), 'mean')));
    for (const mean of means) expect([...mean]).toEqual([3]);
    const gathered = await Promise.all(
      groups.map((g) => g.allGather(Uint8Array.from({ length: g.rank + 1 }, () => g.rank))),
    );
    for (const parts of gathered) expect(parts.map((p) => [...p])).toEqual([[0], [1, 1], [2, 2, 2]]);
    const sent = await Promise.all(
      groups.map((g) => g.broadcast(g.rank === 0 ? Uint8Array.from([9]) : undefined)),
    );
    for (const s of sent) expect([...s]).toEqual([9]);
    await Promise.all(groups.map((g) => g.barrier()));
    // Rank 2 goes away: rank 0's next collective fails naming it instead of hanging.
    await groups[2]!.close();
    await expect(groups[0]!.allReduce(Float32Array.from([1]))).rejects.toThrow(/rank 2 disconnected/);
    await groups[1]!.close();
    await groups[0]!.close();
  });
  it('only accepts loopback rendezvous', async () => {
    await expect(ProcessGroup.connect({ rank: 0, worldSize: 2, masterAddr: '10.0.0.1' })).rejects.toThrow(
      CollectiveError,
    );
    await expect(ProcessGroup.connect({ rank: 3, worldSize: 2 })).rejects.toThrow(/RANK must be in/);
  });
});
