#!/usr/bin/env node
// Builds and runs the Open MPI all-reduce peer (mpi_allreduce.c) for the all-reduce bench.
//   node tools/bench/peers/mpi_peer.mjs --build            → prints the binary's path
//   node tools/bench/peers/mpi_peer.mjs --world-size 2 [--tcp]   → rank 0's JSON line
// As a module: buildMpiPeer() → { path } | { unavailable }, runMpiPeer({ worldSize, transport }).
// transport 'tcp' restricts Open MPI to TCP over loopback (what gloo uses); 'default' lets it pick
// shared memory. The binary goes to $NER_BENCH_BUILD_DIR or <tmpdir>/ner-bench-peers.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'mpi_allreduce.c');

/** Compiles the peer when needed; `{ unavailable: reason }` without mpicc. */
export function buildMpiPeer() {
  const outDir = process.env.NER_BENCH_BUILD_DIR ?? join(tmpdir(), 'ner-bench-peers');
  const path = join(outDir, 'mpi_allreduce');
  if (existsSync(path) && statSync(path).mtimeMs >= statSync(source).mtimeMs) return { path };
  mkdirSync(outDir, { recursive: true });
  const result = spawnSync('mpicc', ['-O2', '-o', path, source], { encoding: 'utf8', timeout: 120_000 });
  if (result.error)
    return {
      unavailable: `mpicc could not run (apt-get install -y openmpi-bin libopenmpi-dev): ${result.error.message}`,
    };
  if (result.status !== 0) return { unavailable: `mpicc failed: ${result.stderr.trim().split('\n')[0]}` };
  return { path };
}

/** Runs the peer on `worldSize` local ranks with mpirun; resolves with rank 0's JSON line. */
export function runMpiPeer({
  worldSize,
  transport = 'tcp',
  bytes = 16 * 1024 * 1024,
  iterations = 20,
  warmup = 3,
  timeoutMs = 180_000,
}) {
  const built = buildMpiPeer();
  if (!built.path) return Promise.reject(new Error(`mpi peer unavailable: ${built.unavailable}`));
  const args = ['-np', String(worldSize), '--oversubscribe', '--bind-to', 'none'];
  if (process.getuid?.() === 0) args.push('--allow-run-as-root');
  if (transport === 'tcp') args.push('--mca', 'btl', 'self,tcp', '--mca', 'btl_tcp_if_include', 'lo');
  args.push(built.path, String(bytes), String(iterations), String(warmup));
  return new Promise((resolve, reject) => {
    const child = spawn('mpirun', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(killer);
      const line = stdout.split('\n').find((l) => l.startsWith('{"peer":"mpi"'));
      if (code !== 0 || !line)
        return reject(new Error(`mpirun exited ${code}: ${stderr.trim().slice(-500)}`));
      resolve(JSON.parse(line));
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--build')) {
    const built = buildMpiPeer();
    console.log(built.path ?? `unavailable: ${built.unavailable}`);
    process.exit(built.path ? 0 : 1);
  }
  const i = process.argv.indexOf('--world-size');
  const worldSize = i > 0 ? Number(process.argv[i + 1]) : 2;
  console.log(
    JSON.stringify(
      await runMpiPeer({ worldSize, transport: process.argv.includes('--tcp') ? 'tcp' : 'default' }),
    ),
  );
}
