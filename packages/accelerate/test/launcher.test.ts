import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findFreePort, launch } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const worker = join(here, 'fixtures', 'env-worker.mjs');
const envOf = (stdout: string) => JSON.parse(stdout.trim()) as Record<string, string | undefined>;

describe('launch (ner-launch)', () => {
  it("gives each rank torchrun's environment, a fresh secret per run, and one GPU each", async () => {
    const { stdout } = await launch({
      nprocPerNode: 2,
      script: worker,
      stdio: 'pipe',
      gpus: [3, 5],
      backend: 'gloo',
      mixedPrecision: 'bf16',
      gradientAccumulationSteps: 4,
    });
    const [r0, r1] = stdout.map(envOf);
    expect(r0!.ACCELERATE_MIXED_PRECISION).toBe('bf16');
    expect(r1!.ACCELERATE_GRADIENT_ACCUMULATION_STEPS).toBe('4');
    expect(r0).toMatchObject({
      RANK: '0',
      LOCAL_RANK: '0',
      WORLD_SIZE: '2',
      LOCAL_WORLD_SIZE: '2',
      NODE_RANK: '0',
    });
    expect(r1).toMatchObject({
      RANK: '1',
      LOCAL_RANK: '1',
      CUDA_VISIBLE_DEVICES: '5',
      NER_PROCESS_GROUP_BACKEND: 'gloo',
    });
    expect(r0!.CUDA_VISIBLE_DEVICES).toBe('3');
    expect(r0!.MASTER_ADDR).toBe('127.0.0.1');
    expect(r0!.MASTER_PORT).toBe(r1!.MASTER_PORT);
    expect(r0!.NER_STORE_SECRET).toMatch(/^[0-9a-f]{48}$/);
    expect(r1!.NER_STORE_SECRET).toBe(r0!.NER_STORE_SECRET);
    const again = await launch({ nprocPerNode: 1, script: worker, stdio: 'pipe' });
    expect(envOf(again.stdout[0]!).NER_STORE_SECRET).not.toBe(r0!.NER_STORE_SECRET);
  });

  it("shares the cores out among the local ranks, as torchrun's OMP_NUM_THREADS, unless set", async () => {
    const unset = { NER_NATIVE_THREADS: undefined, OMP_NUM_THREADS: undefined };
    const two = await launch({
      nprocPerNode: 2,
      script: worker,
      stdio: 'pipe',
      env: { ...unset, OMP_NUM_THREADS: '3' },
    });
    const share = String(Math.max(1, Math.floor(availableParallelism() / 2)));
    for (const rank of two.stdout.map(envOf)) {
      expect(rank).toMatchObject({ NER_NATIVE_THREADS: share, OMP_NUM_THREADS: '3' });
    }
    const one = envOf(
      (await launch({ nprocPerNode: 1, script: worker, stdio: 'pipe', env: unset })).stdout[0]!,
    );
    expect([one.NER_NATIVE_THREADS, one.OMP_NUM_THREADS]).toEqual([undefined, undefined]);
  });

  it('numbers ranks node by node on the second of two nodes', async () => {
    const { stdout } = await launch({
      nprocPerNode: 2,
      nnodes: 2,
      nodeRank: 1,
      masterAddr: '10.213.7.1',
      secret: 'shared',
      script: worker,
      stdio: 'pipe',
      gpus: true,
    });
    expect(stdout.map(envOf)).toEqual([
      expect.objectContaining({
        RANK: '2',
        LOCAL_RANK: '0',
        WORLD_SIZE: '4',
        NODE_RANK: '1',
        GROUP_RANK: '1',
        MASTER_ADDR: '10.213.7.1',
        MASTER_PORT: '29500',
        NER_STORE_SECRET: 'shared',
        CUDA_VISIBLE_DEVICES: '0',
      }),
      expect.objectContaining({ RANK: '3', LOCAL_RANK: '1', CUDA_VISIBLE_DEVICES: '1' }),
    ]);
  });

  it('a port in use is a clear error before any rank starts', async () => {
    const port = await findFreePort();
    const holder = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    try {
      await expect(
        launch({ nprocPerNode: 2, script: worker, masterPort: port, stdio: 'pipe' }),
      ).rejects.toThrow(new RegExp(`MASTER_PORT ${port} is in use on 127\\.0\\.0\\.1`));
    } finally {
      holder.close();
    }
  });

  it('rejects bad options with the fix', async () => {
    await expect(launch({ nprocPerNode: 0, script: worker })).rejects.toThrow(
      /nprocPerNode must be a positive integer/,
    );
    await expect(launch({ nprocPerNode: 1, nnodes: 2, nodeRank: 2, script: worker })).rejects.toThrow(
      /nodeRank must be in \[0, 2\)/,
    );
    await expect(launch({ nprocPerNode: 2, gpus: [0], script: worker })).rejects.toThrow(
      /lists 1 device\(s\) for 2 local ranks/,
    );
  });

  it("the bin exits with the first failing rank's code and stops the others", () => {
    const bin = join(here, '..', 'dist', 'ner-launch.js');
    const started = Date.now();
    const result = spawnSync(process.execPath, [bin, '--nproc-per-node', '3', worker, 'fail-rank-1'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(7);
    expect(result.stderr).toMatch(/rank 1 failed \(exit code 7\); the other ranks were stopped/);
    expect(Date.now() - started).toBeLessThan(20_000);
    const usage = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(usage.stdout).toMatch(/--nproc-per-node N/);
    const bad = spawnSync(process.execPath, [bin, '--bogus', worker], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --bogus/);
  });

  it('SIGTERM to ner-launch stops every rank it started', async () => {
    const bin = join(here, '..', 'dist', 'ner-launch.js');
    const child = spawn(process.execPath, [bin, '--nproc-per-node', '2', worker, 'sleep'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const deadline = Date.now() + 20_000;
    while (stdout.trim().split('\n').filter(Boolean).length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const pids = stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { pid: number }).pid);
    expect(pids).toHaveLength(2);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).not.toBe(0);
    for (const pid of pids) {
      expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    }
  });
});
