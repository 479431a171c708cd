// The shared-memory path of the gloo engine (every rank on this host): its segment leaves
// nothing in /dev/shm even when the rank that made it is killed with SIGKILL mid-collective, and
// the survivors fail fast, naming the dead rank. (Its results are checked against single-process
// computations, next to gloo's TCP path, in gloo-collectives.test.ts.)
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGloo } from '../src/backends/gloo-addon.js';
import { bytesInput, CHUNKED_LENGTH, chunkedCounts, floatInput, intInput } from './fixtures/gloo-data.js';
import { removeDir, runScenario, transpileRankScript } from './fixtures/gloo-harness.js';

const gloo = loadGloo();
const shmMounted = existsSync('/dev/shm');

/** The segments in /dev/shm that the process with `pid` created. */
function segmentsOf(pid: number): string[] {
  return readdirSync('/dev/shm').filter((name) => name.startsWith(`ner-accelerate-${pid}-`));
}

describe.skipIf(!gloo.available || !shmMounted)('gloo engine, shared-memory path', () => {
  let dir: string | undefined;
  beforeAll(() => {
    dir = transpileRankScript();
  });
  afterAll(() => removeDir(dir));

  it('3 ranks through a 4 KiB slot: every chunked collective equals the single-process computation', async () => {
    const worldSize = 3;
    const results = await runScenario(dir!, 'chunked', { worldSize, slotKib: 4 });
    const ranks = [0, 1, 2];
    const floats = ranks.map((r) => floatInput(r, CHUNKED_LENGTH));
    const ints = ranks.map((r) => intInput(r, CHUNKED_LENGTH));
    const counts = chunkedCounts(worldSize);
    for (const { rank, code, output, stderr } of results) {
      expect(code, `rank ${rank}: ${stderr}`).toBe(0);
      expect(output.transport).toBe('shm');
      expect(output.sum).toEqual(floats[0]!.map((_, i) => floats[0]![i]! + floats[1]![i]! + floats[2]![i]!));
      expect(output.max).toEqual(ints[0]!.map((_, i) => Math.max(ints[0]![i]!, ints[1]![i]!, ints[2]![i]!)));
      expect(output.gathered).toEqual(ranks.flatMap((r) => floatInput(r, counts[r])));
      expect(output.broadcast).toEqual(bytesInput(0, CHUNKED_LENGTH));
    }
  });

  it('NER_ACCELERATE_SHM=0 on one rank puts the whole group on TCP, and it still computes right', async () => {
    const results = await runScenario(dir!, 'bigAllReduce', { worldSize: 2, shmOffOnRanks: [1] });
    for (const { rank, code, output, stderr } of results) {
      expect(code, `rank ${rank}: ${stderr}`).toBe(0);
      expect(output).toMatchObject({ transport: 'tcp', wrong: 0 });
    }
  });

  it('a rank that closed the group makes the others fail fast, naming it', async () => {
    const results = await runScenario(dir!, 'peerCloses', { timeoutMs: 30_000 });
    const [waiting, closer] = results;
    expect(closer!.code, closer!.stderr).toBe(0);
    expect(waiting!.output.error).toMatchObject({ name: 'GlooCollectiveError', timedOut: false, ranks: [1] });
    expect((waiting!.output.error as { message: string }).message).toMatch(
      /shared-memory collective: rank 1 \(pid \d+\) closed the group without calling it/,
    );
    expect(waiting!.output.elapsedMs as number).toBeLessThan(10_000);
  });

  it('kill -9 of the rank that made the segment: nothing left in /dev/shm, the other rank fails fast naming it', async () => {
    const results = await runScenario(dir!, 'creatorKilled', { timeoutMs: 30_000 });
    const [creator, survivor] = results;
    expect(creator!.code).toBeNull(); // SIGKILL
    expect(creator!.output.transport).toBe('shm');
    const pid = creator!.output.pid as number;
    expect(pid).toBeGreaterThan(0);
    expect(segmentsOf(pid)).toEqual([]);
    expect(survivor!.code, survivor!.stderr).toBe(0);
    expect(survivor!.output.error).toMatch(
      new RegExp(
        `^gloo allReduce failed on rank 1 of 2: shared-memory collective: rank 0 \\(pid ${pid}\\) exited`,
      ),
    );
    expect(survivor!.output.errorRanks).toEqual([0]);
    // Far below the 30 s timeout: the dead pid is noticed (the machine is shared, hence the margin).
    expect(survivor!.output.elapsedMs as number).toBeLessThan(10_000);
  });
});
