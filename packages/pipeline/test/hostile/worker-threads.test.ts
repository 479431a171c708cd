// pipeline('ner') in worker_threads on the native backend (issue 14, item 2). Node services run
// inference in worker pools, and every worker loads @ner/tfjs-backend-native's addon into the
// same process: a scratch buffer the addon shared between callers made 3 workers disagree with
// the main thread on 35-38 of 64 texts. Here 3 workers and the main thread run the same tiny
// random BERT on the same 64 CoNLL sentences at the same time and must give the same entities.
//
// The workers are real Node workers, which cannot load this package's TypeScript: they import a
// bundle of src/ built into the temp folder at the start (the same sources the main thread runs),
// beside a worker module and a node_modules link back to this package's dependencies.
import '@tensorflow/tfjs-backend-cpu';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BertConfig, BertForTokenClassification } from '@ner/models';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline, type TokenClassifier, type TokenEntity } from '../../src/index.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORKERS = 3;
const TEXT_COUNT = 64;
// 16 sentences of ~15-40 tokens make products of more than 256 rows: the path that packs each
// weight on every call into the addon's scratch buffer (fewer rows use cached packed copies).
const BATCH_SIZE = 16;
const ROUNDS = 2;

// The worker: loads the pipeline from the bundle, runs the texts ROUNDS times, posts the entities.
const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { pipeline } from './bundle/index.js';
const { model, tokenizer, texts, rounds, batchSize, start, shift } = workerData;
// Each worker starts at another batch (the same batches, in a rotated order): threads in
// lockstep would pack the same weights at the same moment, which hides a shared buffer.
const rotated = [...texts.slice(shift), ...texts.slice(0, shift)];
const unrotate = (out) => [...out.slice(out.length - shift), ...out.slice(0, out.length - shift)];
const ner = await pipeline('ner', { model, tokenizer, aggregationStrategy: 'simple', batchSize });
// Loaded: wait until every worker and the main thread are, so that all run at the same time.
parentPort.postMessage({ ready: true });
Atomics.wait(new Int32Array(start), 0, 0);
const runs = [];
for (let round = 0; round < rounds; round++) runs.push(unrotate(await ner(rotated)));
ner.dispose();
parentPort.postMessage({ backend: tf.getBackend(), runs });
`;

/** The first `count` sentences of CoNLL-2003 validation with at least 4 words, words joined by spaces. */
function conllSentences(count: number): string[] {
  const sentences: string[] = [];
  let words: string[] = [];
  for (const line of readFileSync(sharedPath('data', 'conll2003', 'validation.txt'), 'utf8').split('\n')) {
    const word = line.split(' ')[0]!;
    if (line.trim() === '' || word === '-DOCSTART-') {
      if (words.length >= 4) sentences.push(words.join(' '));
      words = [];
      if (sentences.length === count) break;
    } else {
      words.push(word);
    }
  }
  return sentences;
}

/** What must agree: label, span and word exactly, score to float32 rounding. */
function expectSameEntities(got: TokenEntity[][], want: TokenEntity[][], label: string): void {
  expect(got, label).toHaveLength(want.length);
  let disagreeing = 0;
  for (let t = 0; t < want.length; t++) {
    const strip = (entities: TokenEntity[]) =>
      entities.map(({ score: _score, ...rest }) => JSON.stringify(rest)).join('|');
    const scoresClose = got[t]!.every(
      (e, i) => Math.abs(e.score - (want[t]![i]?.score ?? Number.NaN)) <= 1e-5,
    );
    if (strip(got[t]!) !== strip(want[t]!) || !scoresClose) disagreeing++;
  }
  expect(disagreeing, `${label}: texts whose entities differ from the main thread's`).toBe(0);
}

let dir: string;
let texts: string[];
let ner: TokenClassifier | null = null;
let unavailable: string | null = null;
const savedBackend = process.env.NER_BACKEND;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ner-worker-threads-'));
  texts = conllSentences(TEXT_COUNT);
  // A tiny random BERT: the oracle model's config (its tokenizer's 378-token vocabulary, 2 layers,
  // 4 heads, CoNLL's 9 labels), wider and longer; a wide initializer range makes confident, varied
  // labels, so a wrong product shows in the entities.
  await tf.setBackend('cpu');
  const oracleConfig = JSON.parse(
    readFileSync(join(sharedPath('oracle', 'pipeline', 'model'), 'config.json'), 'utf8'),
  );
  const config = BertConfig.fromDict({
    ...oracleConfig,
    hidden_size: 128,
    intermediate_size: 256,
    max_position_embeddings: 512,
    initializer_range: 0.3,
  });
  const model = new BertForTokenClassification(config, { seed: 14 });
  await model.savePretrained(join(dir, 'model'));
  model.dispose();

  // Both sides run native: the main thread through initBackend (NER_BACKEND), the workers likewise.
  process.env.NER_BACKEND = 'native';
  try {
    ner = await pipeline('ner', {
      model: join(dir, 'model'),
      tokenizer: sharedPath('oracle', 'pipeline'),
      aggregationStrategy: 'simple',
      batchSize: BATCH_SIZE,
    });
  } catch (error) {
    // Without the addon: skipped here, but never under CI (the addon must build there).
    if (process.env.CI || !/NER_BACKEND=native but/.test((error as Error).message)) throw error;
    unavailable = (error as Error).message;
    return;
  }

  const build = spawnSync(
    'npx',
    [
      'tsup',
      'src/index.ts',
      '--no-config',
      '--format',
      'esm',
      '--target',
      'es2022',
      '--out-dir',
      join(dir, 'bundle'),
    ],
    { cwd: packageDir, encoding: 'utf8', timeout: 120_000 },
  );
  if (build.status !== 0)
    throw new Error(`bundling src/ for the workers failed:\n${build.stdout}${build.stderr}`);
  symlinkSync(join(packageDir, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'worker.mjs'), WORKER_SOURCE);
}, 180_000);

afterAll(() => {
  ner?.dispose();
  if (savedBackend === undefined) delete process.env.NER_BACKEND;
  else process.env.NER_BACKEND = savedBackend;
  rmSync(dir, { recursive: true, force: true });
});

interface WorkerRun {
  /** Resolves when the worker has loaded its pipeline and waits for `start`. */
  ready: Promise<void>;
  done: Promise<{ backend: string; runs: TokenEntity[][][] }>;
}

/** Starts a worker; it runs the texts once `start[0]` becomes 1 (Atomics.notify). */
function startWorker(start: SharedArrayBuffer, shift: number): WorkerRun {
  const worker = new Worker(pathToFileURL(join(dir, 'worker.mjs')), {
    workerData: {
      model: join(dir, 'model'),
      tokenizer: sharedPath('oracle', 'pipeline'),
      texts,
      rounds: ROUNDS,
      batchSize: BATCH_SIZE,
      start,
      shift,
    },
    env: { ...process.env, NER_BACKEND: 'native' },
  });
  let onReady = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const done = new Promise<{ backend: string; runs: TokenEntity[][][] }>((resolve, reject) => {
    worker.on('message', (message: { ready?: true; backend: string; runs: TokenEntity[][][] }) => {
      if (message.ready) onReady();
      else resolve(message);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
    });
  });
  // A worker that fails while loading must not leave the test waiting for it to be ready.
  return { ready: Promise.race([ready, done.then(() => {})]), done };
}

describe('pipeline("ner") in 3 worker threads on the native backend', () => {
  it('gives the main thread’s entities for 64 texts while all run at once', async (context) => {
    if (unavailable) context.skip(`native backend unavailable: ${unavailable}`);
    expect(tf.getBackend()).toBe('native');
    expect(texts).toHaveLength(TEXT_COUNT);
    const reference = (await ner!(texts)) as TokenEntity[][];
    // The model must find entities, or agreeing would prove little.
    expect(reference.filter((entities) => entities.length > 0).length).toBeGreaterThan(TEXT_COUNT / 2);

    const start = new SharedArrayBuffer(4);
    const workers = Array.from({ length: WORKERS }, (_, w) => startWorker(start, BATCH_SIZE * (w + 1)));
    await Promise.all(workers.map((worker) => worker.ready));
    const flag = new Int32Array(start);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    // The main thread runs the same texts while the workers do.
    const mainRuns: TokenEntity[][][] = [];
    for (let round = 0; round < ROUNDS; round++) mainRuns.push((await ner!(texts)) as TokenEntity[][]);
    const results = await Promise.all(workers.map((worker) => worker.done));

    for (const [round, run] of mainRuns.entries())
      expectSameEntities(run, reference, `main thread, round ${round}`);
    for (const [w, result] of results.entries()) {
      expect(result.backend, `worker ${w}`).toBe('native');
      expect(result.runs).toHaveLength(ROUNDS);
      for (const [round, run] of result.runs.entries()) {
        expectSameEntities(run, reference, `worker ${w}, round ${round}`);
      }
    }
  }, 300_000);
});
