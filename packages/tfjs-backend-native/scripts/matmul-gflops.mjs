#!/usr/bin/env node
// Quick GEMM throughput check (not a benchmark suite; those live in tools/bench):
// 4096x768 @ 768x3072 float32 on the native backend and on wasm, GFLOP/s each.
//   node scripts/matmul-gflops.mjs [m k n] [repeats]
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { nativeBackendInfo } from '../dist/index.js';

const [m, k, n] = process.argv.length >= 5 ? process.argv.slice(2, 5).map(Number) : [4096, 768, 3072];
const repeats = Number(process.argv[5] ?? 3);
const flops = 2 * m * k * n;

async function measure(backend, times) {
  await tf.setBackend(backend);
  await tf.ready();
  const a = tf.randomUniform([m, k], -1, 1, 'float32', 1);
  const b = tf.randomUniform([k, n], -1, 1, 'float32', 2);
  tf.matMul(a, b).dataSync(); // warm-up (and wasm compile)
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    best = Math.min(best, performance.now() - start);
    c.dispose();
  }
  tf.dispose([a, b]);
  return { backend, ms: best, gflops: flops / (best / 1000) / 1e9 };
}

const info = nativeBackendInfo();
console.log(
  `${m}x${k} @ ${k}x${n}, best of ${repeats}; native: ${info.available ? `${info.threads} threads, ${info.blas}` : info.reason}`,
);
for (const backend of [info.available ? 'native' : null, 'wasm'].filter(Boolean)) {
  const r = await measure(backend, backend === 'wasm' ? 1 : repeats);
  console.log(
    `${r.backend.padEnd(7)} ${r.ms.toFixed(1).padStart(9)} ms  ${r.gflops.toFixed(1).padStart(7)} GFLOP/s`,
  );
}
