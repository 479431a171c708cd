// A small /dev/shm (Docker's default is 64 MiB): the segment shrinks its slots to fit, and when
// not even the smallest fits, the group falls back to gloo's TCP at creation instead of dying of
// SIGBUS when a collective touches the pages. Both ranks run in one private mount namespace with
// its own small /dev/shm (root only: unshare + mount; elsewhere the test says why and is skipped).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGloo } from '../../src/backends/gloo-addon.js';
import { removeDir, runScenario, transpileRankScript } from '../fixtures/gloo-harness.js';

const gloo = loadGloo();
const isRoot = process.getuid?.() === 0;
const namespaces =
  isRoot &&
  spawnSync('unshare', ['-m', 'true']).status === 0 &&
  spawnSync('nsenter', ['--version']).status === 0;
const why = !gloo.available
  ? 'gloo addon unavailable'
  : !namespaces
    ? 'needs root with unshare and nsenter'
    : '';

/** A process holding a mount namespace whose /dev/shm is a tmpfs of `size`; ranks join it with nsenter. */
async function holdNamespace(size: string): Promise<ChildProcess> {
  const script = `mount -t tmpfs -o size=${size} tmpfs /dev/shm && echo ready && exec sleep 120`;
  const holder = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the namespace holder did not start within 10 s')),
      10_000,
    );
    holder.stdout!.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return holder;
}

describe.skipIf(why !== '')(`shared memory with a small /dev/shm${why ? ` (skipped: ${why})` : ''}`, () => {
  let dir: string | undefined;
  const holders: ChildProcess[] = [];
  beforeAll(() => {
    dir = transpileRankScript();
  });
  afterAll(() => {
    for (const holder of holders) holder.kill('SIGKILL');
    removeDir(dir);
  });

  for (const [size, transport] of [
    ['1m', 'shm'],
    ['16k', 'tcp'],
  ] as const) {
    it(`/dev/shm of ${size}: a 16 MiB all-reduce over ${transport}, right on both ranks`, async () => {
      const holder = await holdNamespace(size);
      holders.push(holder);
      const results = await runScenario(dir!, 'bigAllReduce', {
        spawnPrefix: ['nsenter', `--mount=/proc/${holder.pid}/ns/mnt`, '--'],
      });
      for (const { rank, code, output, stderr } of results) {
        expect(code, `rank ${rank}: ${stderr}`).toBe(0);
        expect(output).toMatchObject({ transport, wrong: 0 });
      }
    });
  }
});
