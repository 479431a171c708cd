#!/usr/bin/env node
// Runs the benchmarks in this folder, one child process each so they do not
// share warm-up or memory. `pnpm bench` runs all; `pnpm bench seqeval align` runs some.
// Each benchmark prints its own figures and ratios against a peer measured in the same run.
//
// `--smoke` runs each at the smallest sizes its options allow (SMOKE below), to check that it
// still runs, not to measure: a bench exits non-zero, or prints a column that `failed:`, and
// the run fails. CI runs it, since nothing else would notice a bench that an API change broke.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const wanted = args.filter((a) => a !== '--smoke');

/** Modules the benches import: nothing to run. */
const HELPERS = new Set(['run.mjs', 'bert-training-setup.mjs', 'collate-data.mjs', 'stub-driver.mjs']);

const TINY_BERT = {
  NER_BENCH_BERT_LAYERS: '1',
  NER_BENCH_BERT_BATCH: '2',
  NER_BENCH_BERT_LENGTH: '16',
  NER_BENCH_BERT_STEPS: '1',
  NER_BENCH_BERT_WARMUP: '1',
};
const TINY_PIPELINE = {
  NER_BENCH_PIPELINE_LAYERS: '1',
  NER_BENCH_PIPELINE_SENTENCES: '3',
  NER_BENCH_PIPELINE_WARMUP: '1',
};
const TINY_GEMM = {
  NER_BENCH_GEMM_SHAPES: '64x96x33',
  NER_BENCH_GEMM_SECONDS: '0.01',
  NER_BENCH_GEMM_REPS: '1',
};

/** Per bench: the env and arguments of a smoke run (benches not listed run as they are). */
const SMOKE = {
  'allreduce.mjs': { args: ['--ranks', '2', '--mib', '1', '--iterations', '2', '--rounds', '1'] },
  'clip-step.mjs': { args: ['32', '1', '500', '2'] },
  'cuda-bert-step.mjs': { env: TINY_BERT },
  'cuda-gemm.mjs': { env: TINY_GEMM },
  'cuda-host-heap.mjs': { env: { ...TINY_BERT, NER_BENCH_HEAP_STEPS: '30', NER_BENCH_HEAP_EVERY: '10' } },
  'cuda-host-step.mjs': { env: { ...TINY_BERT, NER_BENCH_HOST_ROUNDS: '1' } },
  'cuda-pipeline.mjs': { env: TINY_PIPELINE },
  'cuda-step-memory.mjs': { env: TINY_BERT },
  'models.mjs': { args: ['--steps', '1'] },
  'native-bert-step.mjs': {
    env: { ...TINY_BERT, NER_BENCH_BERT_WASM_LAYERS: '1,2', NER_BENCH_BERT_BF16: '1' },
  },
  'native-gemm.mjs': { env: TINY_GEMM },
  'native-pipeline.mjs': { env: { ...TINY_PIPELINE, NER_BENCH_PIPELINE_BATCHED: '4' } },
  'native-profile.mjs': { env: TINY_BERT },
  'trainer-step.mjs': { args: ['32', '1'] },
};

const benches = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && !HELPERS.has(f))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')} in ${here}`);
  process.exit(2);
}

/** Runs one bench, echoing its output; resolves to its exit code and whether a column failed. */
function runBench(file) {
  const plan = smoke ? (SMOKE[file] ?? {}) : {};
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, file), ...(plan.args ?? [])], {
      env: { ...process.env, ...plan.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let columnFailed = false;
    const echo = (to) => (chunk) => {
      if (/\bfailed: /.test(String(chunk))) columnFailed = true;
      to.write(chunk);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('error', (error) => resolve({ code: 1, columnFailed, error }));
    child.on('close', (code) => resolve({ code, columnFailed }));
  });
}

const failed = [];
for (const file of benches) {
  console.log(`\n## ${file}${smoke ? ' (smoke)' : ''}`);
  const { code, columnFailed, error } = await runBench(file);
  if (code !== 0 || (smoke && columnFailed)) {
    failed.push(`${file}: ${error ? error.message : code !== 0 ? `exit ${code}` : 'a column failed'}`);
  }
}
if (failed.length) console.error(`\n${failed.length} bench(es) failed:\n  ${failed.join('\n  ')}`);
process.exit(failed.length ? 1 : 0);
