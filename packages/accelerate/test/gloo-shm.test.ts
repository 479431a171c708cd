// The shared-memory path of the gloo engine (every rank on this host): its segment leaves
// nothing in /dev/shm even when the rank that made it is killed with SIGKILL mid-collective, and
// the survivors fail fast, naming the dead rank. (Its results are checked against single-process
// computations, next to gloo's TCP path, in gloo-collectives.test.ts.)
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGloo } from '../src/backends/gloo-addon.js';
import { freePort, removeDir, runRanks, transpileRankScript } from './fixtures/gloo-harness.js';

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

  it('kill -9 of the rank that made the segment: nothing left in /dev/shm, the other rank fails fast naming it', async () => {
    const results = await runRanks(dir!, {
      worldSize: 2,
      storePort: await freePort(),
      secret: 'creator-killed',
      prefix: 'creator-killed',
      timeoutMs: 30_000,
      scenario: 'creatorKilled',
      serveStore: true,
    });
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
    // Far below the 30 s timeout: the dead pid is noticed (the machine is shared, hence the margin).
    expect(survivor!.output.elapsedMs as number).toBeLessThan(10_000);
  });
});
