#!/usr/bin/env node
// 16 MiB float32 sum all-reduce on 2 and 4 ranks: @ner/accelerate's ProcessGroup (gloo engine,
// ranks started by launch(), header check and deadline included) against, in the same run, the
// same all-reduce from a small C++ program on libgloo (peers/gloo_allreduce.cc) and Open MPI's
// MPI_Allreduce (peers/mpi_allreduce.c; over TCP loopback like gloo, and with its default
// shared-memory transport). Each side: warm-up, then per iteration an untimed barrier and one
// timed all-reduce; the median is reported, as bandwidth = bytes / median time.
// Usage: node tools/bench/allreduce.mjs [--ranks 2,4] [--mib 16] [--iterations 20]
// Needs the built package (npx tsup in packages/accelerate) and its gloo addon.
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const accelerate = await import('../../packages/accelerate/dist/index.js');

const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const iterations = Number(flag('--iterations', '20'));
const warmup = 3;
const bytes = Number(flag('--mib', '16')) * 2 ** 20;

if (process.argv[2] === '--worker') {
  const group = await accelerate.ProcessGroup.fromEnv();
  const data = new Float32Array(bytes / 4);
  const times = [];
  for (let i = -warmup; i < iterations; i++) {
    data.fill(group.rank + 1);
    await group.barrier();
    const start = performance.now();
    await group.allReduce(data, 'sum');
    if (i >= 0) times.push(performance.now() - start);
  }
  const want = (group.worldSize * (group.worldSize + 1)) / 2;
  if (data.some((v) => v !== want)) throw new Error(`rank ${group.rank}: wrong sum`);
  if (group.rank === 0) {
    const sorted = [...times].sort((a, b) => a - b);
    console.log(JSON.stringify({ peer: 'ours', iterationsMs: times, medianMs: sorted[Math.floor(iterations / 2)] }));
  }
  await group.barrier();
  await group.close();
  process.exit(0);
}

const { runGlooPeer } = await import('./peers/gloo_peer.mjs');
const { runMpiPeer } = await import('./peers/mpi_peer.mjs');

async function ours(worldSize) {
  const { stdout } = await accelerate.launch({
    nprocPerNode: worldSize,
    script: here,
    args: ['--worker', '--mib', String(bytes / 2 ** 20), '--iterations', String(iterations)],
    backend: 'gloo',
    stdio: 'pipe',
  });
  return JSON.parse(stdout[0].trim().split('\n').pop());
}

const mibPerSecond = (ms) => bytes / 2 ** 20 / (ms / 1000);
console.log(`uptime: ${execSync('uptime').toString().trim()}`);
console.log(`${bytes / 2 ** 20} MiB float32 sum all-reduce, ${iterations} timed iterations, median`);
for (const worldSize of flag('--ranks', '2,4').split(',').map(Number)) {
  // Interleaved in one run, so the machine's load hits every side alike.
  const rows = [];
  const measure = async (name, run) => {
    try {
      const result = await run();
      rows.push({ name, medianMs: result.medianMs });
    } catch (error) {
      rows.push({ name, error: error.message.split('\n')[0] });
    }
  };
  await measure('ours (ProcessGroup, gloo)', () => ours(worldSize));
  await measure('gloo C++ (libgloo)', async () => (await runGlooPeer({ worldSize, bytes, iterations, warmup }))[0]);
  await measure('MPI_Allreduce (TCP)', () => runMpiPeer({ worldSize, transport: 'tcp', bytes, iterations, warmup }));
  await measure('MPI_Allreduce (shared mem)', () => runMpiPeer({ worldSize, transport: 'default', bytes, iterations, warmup }));
  const base = rows[0].medianMs;
  console.log(`\n${worldSize} ranks:`);
  for (const row of rows) {
    if (row.error) {
      console.log(`  ${row.name.padEnd(28)} unavailable: ${row.error}`);
      continue;
    }
    const ratio = base === undefined ? '' : `  ours/this bandwidth ${(row.medianMs / base).toFixed(2)}x`;
    console.log(
      `  ${row.name.padEnd(28)} ${row.medianMs.toFixed(1).padStart(8)} ms  ${mibPerSecond(row.medianMs).toFixed(0).padStart(6)} MiB/s${ratio}`,
    );
  }
}
console.log(`uptime: ${execSync('uptime').toString().trim()}`);
