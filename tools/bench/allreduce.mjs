#!/usr/bin/env node
// 16 MiB float32 sum all-reduce on 2 and 4 ranks: @ner/accelerate's ProcessGroup (ranks started
// by launch(), header check and deadline included), through its shared-memory path (the default
// on one host) and through gloo's TCP transport (NER_ACCELERATE_SHM=0), against, in the same run, the
// same all-reduce from a small C++ program on libgloo (peers/gloo_allreduce.cc) and Open MPI's
// MPI_Allreduce (peers/mpi_allreduce.c; over TCP loopback like gloo, and with its default
// shared-memory transport). Each side: warm-up, then per iteration an untimed barrier and one
// timed all-reduce; the sides take turns for --rounds rounds and each one's median over all its
// iterations is reported, as bandwidth = bytes / median time.
// Usage: node tools/bench/allreduce.mjs [--ranks 2,4] [--mib 16] [--iterations 20] [--rounds 3]
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
  const transport = flag('--transport', 'shm');
  if (group.transport !== transport)
    throw new Error(`rank ${group.rank}: transport ${group.transport}, not ${transport}`);
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
    console.log(
      JSON.stringify({ peer: 'ours', iterationsMs: times, medianMs: sorted[Math.floor(iterations / 2)] }),
    );
  }
  await group.barrier();
  await group.close();
  process.exit(0);
}

const { runGlooPeer } = await import('./peers/gloo_peer.mjs');
const { runMpiPeer } = await import('./peers/mpi_peer.mjs');

async function ours(worldSize, shm) {
  const { stdout } = await accelerate.launch({
    nprocPerNode: worldSize,
    script: here,
    args: [
      ...['--worker', '--mib', String(bytes / 2 ** 20), '--iterations', String(iterations)],
      ...['--transport', shm ? 'shm' : 'tcp'],
    ],
    backend: 'gloo',
    env: { NER_ACCELERATE_SHM: shm ? '1' : '0' },
    stdio: 'pipe',
  });
  return JSON.parse(stdout[0].trim().split('\n').pop());
}

const mibPerSecond = (ms) => bytes / 2 ** 20 / (ms / 1000);
console.log(`uptime: ${execSync('uptime').toString().trim()}`);
console.log(`${bytes / 2 ** 20} MiB float32 sum all-reduce, ${iterations} timed iterations, median`);
console.log("ratios: our bandwidth as a multiple of that side's (>= 0.8 is the target)");
const rounds = Number(flag('--rounds', '3'));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const worldSize of flag('--ranks', '2,4').split(',').map(Number)) {
  // Every side runs once per round, in turn, so a load spike on a shared machine hits them alike;
  // each side's median is over all its timed iterations of all rounds.
  const sides = [
    ['ours (ProcessGroup, shm)', () => ours(worldSize, true)],
    ['ours (ProcessGroup, gloo TCP)', () => ours(worldSize, false)],
    ['gloo C++ (libgloo)', async () => (await runGlooPeer({ worldSize, bytes, iterations, warmup }))[0]],
    ['MPI_Allreduce (TCP)', () => runMpiPeer({ worldSize, transport: 'tcp', bytes, iterations, warmup })],
    [
      'MPI_Allreduce (shared mem)',
      () => runMpiPeer({ worldSize, transport: 'default', bytes, iterations, warmup }),
    ],
  ];
  const times = new Map(sides.map(([name]) => [name, []]));
  const errors = new Map();
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of sides) {
      if (errors.has(name)) continue;
      try {
        times.get(name).push(...(await run()).iterationsMs);
      } catch (error) {
        errors.set(name, error.message.split('\n')[0]);
      }
    }
  }
  const baseOf = (side) => (times.get(side[0]).length ? median(times.get(side[0])) : undefined);
  const [shmBase, tcpBase] = [baseOf(sides[0]), baseOf(sides[1])];
  console.log(`\n${worldSize} ranks (${rounds} rounds of ${iterations}):`);
  for (const [name] of sides) {
    if (errors.has(name)) {
      console.log(`  ${name.padEnd(30)} unavailable: ${errors.get(name)}`);
      continue;
    }
    const ms = median(times.get(name));
    const ratio = (label, base) => (base === undefined ? '' : `  ${label} ${(ms / base).toFixed(2)}x`);
    const ratios = `${ratio('ours shm /', shmBase)}${ratio('ours tcp /', tcpBase)}`;
    console.log(
      `  ${name.padEnd(30)} ${ms.toFixed(1).padStart(8)} ms  ${mibPerSecond(ms).toFixed(0).padStart(6)} MiB/s${ratios}`,
    );
  }
}
console.log(`uptime: ${execSync('uptime').toString().trim()}`);
