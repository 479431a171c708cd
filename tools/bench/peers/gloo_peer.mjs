#!/usr/bin/env node
// Builds and runs the C++ gloo all-reduce peer (gloo_allreduce.cc) for the all-reduce bench.
//   node tools/bench/peers/gloo_peer.mjs --build                 → prints the binary's path
//   node tools/bench/peers/gloo_peer.mjs --world-size 2 [--bytes 16777216] [--iterations 20]
//                                                               → one JSON line per rank
// As a module: buildGlooPeer() → { path } | { unavailable }, runGlooPeer({ worldSize, ... }).
// The binary goes to $NER_BENCH_BUILD_DIR or <tmpdir>/ner-bench-peers (never into the repo) and
// is rebuilt only when the source is newer.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'gloo_allreduce.cc');

/** Compiles the peer when needed; `{ unavailable: reason }` without libgloo or g++. */
export function buildGlooPeer() {
  if (!existsSync('/usr/include/gloo/allreduce.h')) {
    return { unavailable: 'libgloo is missing (apt-get install -y libgloo-dev)' };
  }
  const outDir = process.env.NER_BENCH_BUILD_DIR ?? join(tmpdir(), 'ner-bench-peers');
  const path = join(outDir, 'gloo_allreduce');
  if (existsSync(path) && statSync(path).mtimeMs >= statSync(source).mtimeMs) return { path };
  mkdirSync(outDir, { recursive: true });
  const result = spawnSync('g++', ['-O2', '-std=c++17', '-o', path, source, '-lgloo', '-lpthread'], {
    encoding: 'utf8',
    timeout: 5 * 60 * 1000,
  });
  if (result.error) return { unavailable: `g++ could not run: ${result.error.message}` };
  if (result.status !== 0) return { unavailable: `g++ failed: ${result.stderr.trim().split('\n').slice(0, 5).join(' | ')}` };
  return { path };
}

/**
 * Runs `worldSize` ranks of the peer on loopback (FileStore in a fresh temp folder, removed
 * afterwards) and resolves with their JSON lines, rank order. Rejects when a rank fails.
 */
export async function runGlooPeer({ worldSize, bytes = 16 * 1024 * 1024, iterations = 20, warmup = 3, timeoutMs = 120_000 }) {
  const built = buildGlooPeer();
  if (!built.path) throw new Error(`gloo peer unavailable: ${built.unavailable}`);
  const storeDir = mkdtempSync(join(tmpdir(), 'ner-gloo-peer-store-'));
  try {
    const ranks = Array.from({ length: worldSize }, (_, rank) => rank);
    return await Promise.all(
      ranks.map(
        (rank) =>
          new Promise((resolve, reject) => {
            const args = ['--rank', rank, '--world-size', worldSize, '--store-dir', storeDir, '--bytes', bytes, '--iterations', iterations, '--warmup', warmup];
            const child = spawn(built.path, args.map(String), { stdio: ['ignore', 'pipe', 'pipe'] });
            let stdout = '';
            let stderr = '';
            child.stdout.on('data', (c) => (stdout += c));
            child.stderr.on('data', (c) => (stderr += c));
            const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
            child.on('close', (code) => {
              clearTimeout(killer);
              if (code !== 0) return reject(new Error(`gloo peer rank ${rank} exited ${code}: ${stderr.trim()}`));
              resolve(JSON.parse(stdout.trim().split('\n').pop()));
            });
          }),
      ),
    );
  } finally {
    rmSync(storeDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flag = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  if (process.argv.includes('--build')) {
    const built = buildGlooPeer();
    console.log(built.path ?? `unavailable: ${built.unavailable}`);
    process.exit(built.path ? 0 : 1);
  }
  const lines = await runGlooPeer({
    worldSize: flag('--world-size', 2),
    bytes: flag('--bytes', 16 * 1024 * 1024),
    iterations: flag('--iterations', 20),
    warmup: flag('--warmup', 3),
  });
  for (const line of lines) console.log(JSON.stringify(line));
}
