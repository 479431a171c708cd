// The gloo engine over 2 and 4 ranks as child processes on loopback: every collective against
// the same computation done in one process, through both transports: shared memory (the
// default when every rank is on this host) and gloo's TCP (NER_ACCELERATE_SHM=0). Rank 0 serves the rendezvous store on its own main
// thread, so a rendezvous that blocked that thread would hang (and be killed) instead of passing.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGloo } from '../src/backends/gloo-addon.js';
import {
  BIG_LENGTH,
  bigSum,
  blockCounts,
  bytesInput,
  floatInput,
  intInput,
  unevenCounts,
} from './fixtures/gloo-data.js';
import { type RankResult, removeDir, runScenario, transpileRankScript } from './fixtures/gloo-harness.js';

const gloo = loadGloo();
const libglooInstalled = existsSync('/usr/include/gloo/allreduce.h');

it('the addon is built wherever libgloo-dev is installed', () => {
  if (!libglooInstalled) return; // nothing to build against: the engine reports itself unavailable
  expect(gloo.available ? gloo.glooVersion : gloo.reason).toBe('0.5.0');
});

type Op = 'sum' | 'mean' | 'max' | 'min';
function reduce(values: number[][], op: Op, integer: boolean): number[] {
  return values[0]!.map((_, i) => {
    const column = values.map((v) => v[i]!);
    if (op === 'max') return Math.max(...column);
    if (op === 'min') return Math.min(...column);
    const sum = column.reduce((a, b) => a + b, 0);
    if (op === 'sum') return sum;
    // `+ 0` turns trunc's -0 into 0, as C++ integer division gives.
    return integer ? Math.trunc(sum / values.length) + 0 : sum / values.length;
  });
}

function expectAllOk(results: RankResult[]) {
  for (const r of results) {
    expect(r.output.fatal, `rank ${r.rank} stderr: ${r.stderr}`).toBeUndefined();
    expect(r.code, `rank ${r.rank} exit code`).toBe(0);
  }
}

describe.skipIf(!gloo.available).each(['shm', 'tcp'] as const)(
  'gloo collectives across processes (%s)',
  (transport) => {
    let dir: string | undefined;
    beforeAll(() => {
      dir = transpileRankScript();
    });
    afterAll(() => removeDir(dir));

    for (const worldSize of [2, 4]) {
      it(`${worldSize} ranks: every collective equals the single-process computation`, async () => {
        const results = await runScenario(dir!, 'collectives', { worldSize, transport });
        expectAllOk(results);
        const ranks = results.map((r) => r.rank);
        const floats = ranks.map((r) => floatInput(r));
        const ints = ranks.map((r) => intInput(r));
        const counts = unevenCounts(worldSize);
        const blocks = blockCounts(worldSize);
        const total = blocks.reduce((a, b) => a + b, 0);
        for (const { rank, output } of results) {
          expect(output.name).toBe('gloo');
          expect(output.transport).toBe(transport);
          for (const op of ['sum', 'mean', 'max', 'min'] as const) {
            expect(output[`allReduce.${op}.f32`], `f32 ${op}`).toEqual(reduce(floats, op, false));
            expect(output[`allReduce.${op}.f64`], `f64 ${op}`).toEqual(reduce(floats, op, false));
            expect(output[`allReduce.${op}.i32`], `i32 ${op}`).toEqual(reduce(ints, op, true));
          }
          expect(output.allGather).toEqual(ranks.flatMap((r) => floatInput(r, 5)));
          expect(output.allGatherBytes).toEqual(ranks.flatMap((r) => bytesInput(r, 6)));
          expect(output.allGatherV).toEqual({
            type: 'Float64Array',
            values: ranks.flatMap((r) => floatInput(r, counts[r])),
          });
          expect(output.broadcast).toEqual([7, -3, 11, 2024]);
          const offset = blocks.slice(0, rank).reduce((a, b) => a + b, 0);
          const block = (all: number[]) => all.slice(offset, offset + blocks[rank]!);
          const reducedBlock = (inputs: number[][], op: Op, integer: boolean) =>
            block(reduce(inputs, op, integer));
          const scatterInputs = (input: typeof floatInput) => ranks.map((r) => input(r, total));
          expect(output.reduceScatterSum).toEqual(reducedBlock(scatterInputs(floatInput), 'sum', false));
          expect(output.reduceScatterMax).toEqual(reducedBlock(scatterInputs(intInput), 'max', true));
          expect(output.reduceScatterInputUnchanged).toBe(true);
          expect(output.badRoot).toBe(
            `GlooArgumentError: gloo broadcast on rank ${rank} of ${worldSize}: root ${worldSize} is not a rank of this group (0..${worldSize - 1})`,
          );
          expect(output.closedRejects).toBe(true);
        }
      });
    }

    it('2 ranks: a 16 MiB all-reduce sums every element, in place', async () => {
      const results = await runScenario(dir!, 'bigAllReduce', { transport });
      expectAllOk(results);
      for (const { output } of results) {
        expect(output).toMatchObject({
          first: bigSum(2, 0),
          last: bigSum(2, BIG_LENGTH - 1),
          wrong: 0,
          transport,
        });
      }
    });

    it('a rank that never calls makes the others reject within the timeout, naming the collective', async () => {
      const timeoutMs = 1500;
      const results = await runScenario(dir!, 'timeout', { timeoutMs, transport });
      expectAllOk(results);
      const waiting = results[0]!.output;
      expect(waiting.error).toMatchObject({
        name: 'GlooCollectiveError',
        collective: 'allReduce',
        timedOut: true,
      });
      expect((waiting.error as { message: string }).message).toMatch(
        /^gloo allReduce failed on rank 0 of 2: .*timeout 1500 ms: a rank that died, hangs, or did not call allReduce/,
      );
      if (transport === 'shm') {
        expect((waiting.error as { message: string }).message).toMatch(
          /timed out after 1500 ms waiting for rank\(s\) 1 \(pid \d+\)/,
        );
        expect(waiting.error).toMatchObject({ ranks: [1] });
      }
      // Gloo's own timeout fired (not the JS watchdog, which waits 10 s longer); the machine is shared.
      expect(waiting.elapsedMs as number).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(waiting.elapsedMs as number).toBeLessThan(timeoutMs + 8000);
      expect(waiting.after).toMatch(
        /^gloo barrier failed on rank 0 of 2: the context is unusable after an earlier failure/,
      );
    });

    it('a rank killed after the rendezvous makes the others fail at once, long before the timeout', async () => {
      const results = await runScenario(dir!, 'peerDies', { timeoutMs: 30_000, transport });
      expect(results[1]!.code).toBeNull(); // killed by SIGKILL
      const survivor = results[0]!;
      expect(survivor.code, survivor.stderr).toBe(0);
      expect(survivor.output.error).toMatchObject({
        name: 'GlooCollectiveError',
        collective: 'allReduce',
        timedOut: false,
      });
      expect((survivor.output.error as { message: string }).message).toMatch(
        /^gloo allReduce failed on rank 0 of 2: /,
      );
      // Shared memory sees the dead pid and names the rank; gloo's TCP only sees a dropped peer.
      expect(survivor.output.error).toMatchObject({ ranks: transport === 'shm' ? [1] : [] });
      expect(survivor.output.elapsedMs as number).toBeLessThan(10_000);
    });
  },
);
