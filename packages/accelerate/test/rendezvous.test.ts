// Rendezvous faults through the real store: each is an error naming the rank, on every rank.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CollectiveError, findFreePort, initProcessGroup, type ProcessGroup } from '../src/index.js';
import { inProcessEngines } from './fixtures/in-process-engine.js';

async function setup() {
  return {
    masterPort: await findFreePort(),
    secret: randomBytes(8).toString('hex'),
    createBackend: inProcessEngines(),
  };
}

async function closeSettled(results: PromiseSettledResult<ProcessGroup>[]): Promise<void> {
  for (const r of [...results].reverse()) if (r.status === 'fulfilled') await r.value.close();
}

describe('rendezvous', () => {
  it('a rank started twice is refused, and the others hear about it instead of waiting', async () => {
    // A long deadline: the abort, not the deadline, must end this (a loaded machine is slow to connect).
    const common = { ...(await setup()), worldSize: 3, timeoutMs: 20_000 };
    const results = await Promise.allSettled([
      initProcessGroup({ ...common, rank: 0 }),
      initProcessGroup({ ...common, rank: 1 }),
      new Promise<ProcessGroup>((resolve, reject) =>
        setTimeout(() => initProcessGroup({ ...common, rank: 1 }).then(resolve, reject), 300),
      ),
    ]);
    const messages = results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'joined'));
    expect(messages[2]).toMatch(/rank 1 was started twice/);
    // Rank 2 never came, so ranks 0 and 1 cannot complete: they fail with the same reason, fast.
    expect(messages[0]).toMatch(/rank 1 was started twice/);
    expect(messages[1]).toMatch(/rank 1 was started twice/);
    await closeSettled(results);
  });

  it('a world-size mismatch is named on every rank', async () => {
    const common = await setup();
    const results = await Promise.allSettled([
      initProcessGroup({ ...common, rank: 0, worldSize: 2, timeoutMs: 4_000 }),
      initProcessGroup({ ...common, rank: 1, worldSize: 3, timeoutMs: 4_000 }),
    ]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(((r as PromiseRejectedResult).reason as Error).message).toMatch(
        /rank 1 has WORLD_SIZE=3 but rank 0 has WORLD_SIZE=2/,
      );
    }
    await closeSettled(results);
  });

  it('a rank that never joins is named when the rendezvous deadline passes', async () => {
    const common = { ...(await setup()), worldSize: 3, timeoutMs: 1_000 };
    const results = await Promise.allSettled([
      initProcessGroup({ ...common, rank: 0 }),
      initProcessGroup({ ...common, rank: 2 }),
    ]);
    for (const r of results) {
      const error = (r as PromiseRejectedResult).reason as CollectiveError;
      expect(error).toBeInstanceOf(CollectiveError);
      expect(error.message).toMatch(/rank\(s\) 1 of 3 did not join within 1000 ms/);
      expect(error.ranks).toEqual([1]);
    }
  });

  it('a port in use on rank 0 is a clear error', async () => {
    const common = { ...(await setup()), worldSize: 2, timeoutMs: 2_000 };
    const first = initProcessGroup({ ...common, rank: 0 });
    await new Promise((r) => setTimeout(r, 100));
    await expect(initProcessGroup({ ...common, rank: 0 })).rejects.toThrow(
      /port \d+ is in use on 127\.0\.0\.1/,
    );
    const second = await initProcessGroup({ ...common, rank: 1 });
    await second.close();
    await (await first).close();
  });
});
