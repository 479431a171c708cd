// The process group across real processes started by launch() (ner-launch's engine), on gloo:
// every collective against the single-process computation, and the faults that used to hang.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGloo } from '../src/backends/gloo-addon.js';
import { LaunchError, launch } from '../src/index.js';
import { concatArrays, reduceArrays, scatterBlock } from './fixtures/collective-math.js';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';

afterEach(removeTempDirs);
const here = dirname(fileURLToPath(import.meta.url));
const worker = join(here, 'fixtures', 'collectives-worker.mjs');
const gloo = loadGloo();

/** The LaunchError of `nprocPerNode` workers running `scenario` (a launch that succeeds fails the test). */
async function launchFailure(nprocPerNode: number, scenario: string, env: Record<string, string> = {}) {
  const error = await launch({
    nprocPerNode,
    script: worker,
    args: [scenario, '.'],
    stdio: 'pipe',
    env,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LaunchError);
  return error as LaunchError;
}

function expected(worldSize: number) {
  const ranks = Array.from({ length: worldSize }, (_, r) => r);
  const input = (rank: number, length: number) =>
    Float32Array.from({ length }, (_, i) => (rank + 1) * (i + 1));
  const out: Record<string, unknown> = {};
  for (const op of ['sum', 'mean', 'max', 'min'] as const) {
    out[`f32.${op}`] = [
      ...reduceArrays(
        ranks.map((r) => input(r, 5)),
        op,
      ),
    ];
    out[`f64.${op}`] = [
      ...reduceArrays(
        ranks.map((r) => Float64Array.from(input(r, 3))),
        op,
      ),
    ];
    out[`i32.${op}`] = [
      ...reduceArrays(
        ranks.map((r) => Int32Array.of(r, -r, 7)),
        op,
      ),
    ];
  }
  out.allGather = [...concatArrays(ranks.map((r) => input(r, 2)))];
  out.allGatherUneven = ranks.map((r) => Array(r + 1).fill(r));
  out.broadcast = [(worldSize - 1) * 10, 7];
  out.broadcastBytes = [9, 8, 7];
  const counts = ranks.map((r) => r + 1);
  const total = counts.reduce((a, b) => a + b, 0);
  const reduced = reduceArrays(
    ranks.map((r) => input(r, total)),
    'sum',
  );
  return ranks.map((r) => ({ ...out, reduceScatter: [...scatterBlock(reduced, counts, r)] }));
}

describe.skipIf(!gloo.available)('ProcessGroup on gloo across processes (ner-launch)', () => {
  it.each([2, 4])('%i ranks: every collective equals the single-process computation', async (n) => {
    const out = makeTempDir('ner-pg-');
    await launch({ nprocPerNode: n, script: worker, args: ['all', out], stdio: 'pipe', backend: 'gloo' });
    const want = expected(n);
    for (let r = 0; r < n; r++) {
      const got = JSON.parse(readFileSync(join(out, `rank-${r}.json`), 'utf8'));
      expect(got.transport, 'ranks on one host share memory').toBe('shm');
      for (const [key, value] of Object.entries(want[r]!)) {
        if (key.startsWith('f32.mean') || key.startsWith('f64.mean')) {
          for (const [i, v] of (value as number[]).entries()) expect(got[key][i]).toBeCloseTo(v, 5);
        } else expect(got[key], `rank ${r} ${key}`).toEqual(value);
      }
    }
  });

  it('different shapes on one rank: the launch fails naming that rank, no hang', async () => {
    const error = await launchFailure(2, 'mismatch');
    expect(error.stderrTail).toMatch(/collective mismatch: rank\(s\) 1 called something other than rank 0/);
  });

  it('a hung rank: the others fail within the collective timeout naming it, then all are stopped', async () => {
    const started = Date.now();
    const error = await launchFailure(3, 'hang', { NER_COLLECTIVE_TIMEOUT_MS: '5000' });
    expect(error.rank).not.toBe(1);
    expect(error.stderrTail).toMatch(/rank\(s\) 1 did not arrive at barrier #2/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('without the gloo addon', () => {
  it('multi-process training fails at start with the apt line to run', async () => {
    const error = await launchFailure(2, 'all', { NER_GLOO_DISABLE: '1' });
    expect(error.stderrTail).toMatch(
      /backend 'gloo' is unavailable: disabled by NER_GLOO_DISABLE\. Run `apt-get install -y libgloo-dev`/,
    );
  });
});
