// A /dev/shm too small for the shared-memory segment (Docker's default is 64 MiB): the group
// must fall back to gloo's TCP at creation, not die of SIGBUS when a collective touches the
// pages. Both ranks run in one private mount namespace whose /dev/shm is a 1 MiB tmpfs (root
// only: unshare + mount; elsewhere the test says why and is skipped).
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

describe.skipIf(why !== '')(`shared memory with a tiny /dev/shm${why ? ` (skipped: ${why})` : ''}`, () => {
  let dir: string | undefined;
  let holder: ChildProcess | undefined;
  beforeAll(async () => {
    dir = transpileRankScript();
    // Holds a mount namespace with a 1 MiB /dev/shm; the ranks join it with nsenter.
    holder = spawn(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -t tmpfs -o size=1m tmpfs /dev/shm && echo ready && exec sleep 120',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the namespace holder did not start within 10 s')),
        10_000,
      );
      holder!.stdout!.once('data', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  });
  afterAll(() => {
    holder?.kill('SIGKILL');
    removeDir(dir);
  });

  it('falls back to gloo TCP (both ranks alike) and computes right', async () => {
    const results = await runScenario(dir!, 'bigAllReduce', {
      spawnPrefix: ['nsenter', `--mount=/proc/${holder!.pid}/ns/mnt`, '--'],
    });
    for (const { rank, code, output, stderr } of results) {
      expect(code, `rank ${rank}: ${stderr}`).toBe(0);
      expect(output).toMatchObject({ transport: 'tcp', wrong: 0 });
    }
  });
});
