#!/usr/bin/env node
// Mutates a real checkpoint (Trainer) or state folder (Accelerator.saveState) many times and
// resumes from each copy, sorting the outcomes: the package's typed error, a resume that went
// through, or anything else (an untyped error, or a failure that changed the model or optimizer
// before throwing), which is a bug. A manual tool, not part of CI: see README.md.
//
//   node tools/fuzz-checkpoints/fuzz.mjs trainer|accelerate [cases=1000] [seed=1]
//
// Each chunk of cases runs in a child process with a watchdog, so a hang shows as a chunk that
// timed out. Needs the built dist/ of models, accelerate, trainer and collate.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Appends `items` to the list of `key` in `lists`. */
function add(lists, key, ...items) {
  lists[key] ??= [];
  lists[key].push(...items);
}

const [mode = 'trainer', casesArg = '1000', seedArg = '1', chunkStart, chunkCount] = process.argv.slice(2);
const CHUNK = 250;
const WATCHDOG_MS = 300_000;

if (chunkStart === undefined) {
  // Parent: run the chunks, each in a child, and merge what they found.
  const total = Number(casesArg);
  const merged = {};
  for (let start = 0; start < total; start += CHUNK) {
    const child = spawnSync(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        mode,
        casesArg,
        seedArg,
        String(start),
        String(Math.min(CHUNK, total - start)),
      ],
      { encoding: 'utf8', timeout: WATCHDOG_MS, maxBuffer: 64 << 20 },
    );
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.error || child.status !== 0 || !line.startsWith('{')) {
      add(
        merged,
        `chunk failed (${child.error?.code ?? `exit ${child.status}`})`,
        `cases ${start}..${start + CHUNK - 1}: ${child.stderr.slice(-400)}`,
      );
      continue;
    }
    for (const [outcome, cases] of Object.entries(JSON.parse(line))) add(merged, outcome, ...cases);
  }
  for (const [outcome, cases] of Object.entries(merged).sort((a, b) => b[1].length - a[1].length)) {
    console.log(`${String(cases.length).padStart(6)}  ${outcome}`);
    const isBug = outcome !== 'typed error' && !outcome.startsWith('resumed');
    for (const c of cases.slice(0, isBug ? 20 : 0)) console.log(`          ${c}`);
  }
  process.exit(Object.keys(merged).some((o) => o !== 'typed error' && !o.startsWith('resumed')) ? 1 : 0);
}

// Child: one chunk of cases.
const root = new URL('../../packages/', import.meta.url);
const require = createRequire(new URL('trainer/package.json', root));
const load = (specifier) => import(pathToFileURL(require.resolve(specifier)).href);
const tf = await load('@tensorflow/tfjs-core');
await load('@tensorflow/tfjs-backend-cpu');
const { AccelerateError, Accelerator } = await import(new URL('accelerate/dist/index.js', root).href);
const { AutoModelForTokenClassification, BertConfig, CheckpointError } = await import(
  new URL('models/dist/index.js', root).href
);
const trainer = await import(new URL('trainer/dist/index.js', root).href);
const { DataCollatorForTokenClassification } = await import(new URL('collate/dist/index.js', root).href);
await tf.setBackend('cpu');

const CONFIG = {
  vocabSize: 40,
  hiddenSize: 16,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 32,
  numLabels: 3,
};
const tinyModel = (seed) => AutoModelForTokenClassification.fromConfig(new BertConfig(CONFIG), { seed });
const rows = Array.from({ length: 16 }, (_, i) => {
  const ids = [2, ...Array.from({ length: 2 + (i % 5) }, (_, j) => 4 + ((i * 7 + j * 3) % 30))];
  return { input_ids: ids, labels: ids.map((id, j) => (j === 0 ? -100 : id % 3)) };
});
const ARGS = {
  perDeviceTrainBatchSize: 4,
  learningRate: 5e-3,
  logLevel: 'error',
  reportTo: 'none',
  maxSteps: 4,
  saveSteps: 2,
};

let state = (Number(seedArg) * 7919 + Number(chunkStart)) % 2147483647 || 1;
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
const pick = (items) => items[Math.floor(random() * items.length)];
const VALUES = [
  null,
  -1,
  0,
  1.5,
  1e300,
  'x',
  '2',
  [],
  {},
  true,
  [1, 2],
  { a: 1 },
  { __safetensors__: 'x' },
  2 ** 53,
];

/** Every path of a JSON value, the root's (empty) included. */
function paths(value, path = []) {
  const out = [path];
  if (value !== null && typeof value === 'object')
    for (const key of Object.keys(value)) out.push(...paths(value[key], [...path, key]));
  return out;
}

/** One change at a random place: a key deleted, a value of another kind, 20,000 levels of nesting. */
function mutateJson(text) {
  const json = JSON.parse(text);
  const path = pick(paths(json));
  if (path.length === 0)
    return random() < 0.5
      ? ['root', JSON.stringify(pick(VALUES))]
      : ['truncated', text.slice(0, random() * text.length)];
  const parent = path.slice(0, -1).reduce((o, k) => o[k], json);
  const key = path.at(-1);
  const kind = random();
  let what;
  if (kind < 0.15) {
    what = 'deleted';
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (kind < 0.2) {
    what = 'nested 20,000 deep';
    parent[key] = '__DEEP__';
  } else {
    parent[key] = pick(VALUES);
    what = `= ${JSON.stringify(parent[key]).slice(0, 30)}`;
  }
  const out = JSON.stringify(json).replace('"__DEEP__"', `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
  return [`${path.join('.')} ${what}`, out];
}

/** Truncation, or a few bytes changed (mostly in the header). */
function mutateSafetensors(bytes) {
  const out = Buffer.from(bytes);
  if (random() < 0.2) return ['truncated', out.subarray(0, Math.floor(random() * out.length))];
  const header = Number(out.readBigUInt64LE(0)) + 8;
  const inHeader = random() < 0.7;
  for (let i = 0; i < 1 + Math.floor(random() * 4); i++) {
    out[Math.floor(random() * (inHeader ? Math.min(out.length, header) : out.length))] = Math.floor(
      random() * 256,
    );
  }
  return [inHeader ? 'header bytes changed' : 'bytes changed', out];
}

/** Damages one file of `dir`; says how. */
function damage(dir, files) {
  const file = pick(files);
  const path = join(dir, file);
  const r = random();
  if (r < 0.05) {
    rmSync(path);
    return `${file} removed`;
  }
  if (r < 0.08) {
    rmSync(path);
    mkdirSync(path);
    return `${file} replaced by a folder`;
  }
  const [what, content] = file.endsWith('.json')
    ? mutateJson(readFileSync(path, 'utf8'))
    : mutateSafetensors(readFileSync(path));
  writeFileSync(path, content);
  return `${file}: ${what}`;
}

const work = mkdtempSync(join(tmpdir(), `ner-fuzz-${mode}-`));
const results = {};
const record = (outcome, what) => add(results, outcome, what);
/** An unexpected outcome, grouped by error class and the start of its message (paths of the case left out). */
const unexpected = (error, changed, what) =>
  record(
    `${error?.name}${changed ? ' after something was loaded' : ''}: ${String(error?.message)
      .replaceAll(work, '<work>')
      .replace(/case-\d+/g, 'case-N')
      .slice(0, 100)}`,
    what,
  );
const weightsOf = (model) => JSON.stringify(model.namedParameters().map(([, v]) => Array.from(v.dataSync())));

try {
  if (mode === 'trainer') {
    const collator = new DataCollatorForTokenClassification({ padTokenId: 0 });
    const run = (outputDir, model) =>
      new trainer.Trainer({
        model,
        args: { ...ARGS, outputDir },
        trainDataset: rows,
        dataCollator: collator,
      });
    await run(join(work, 'run'), tinyModel(7)).train();
    // Resume from step 2 of 4, so two steps train on what was loaded.
    const pristine = join(work, 'run', 'checkpoint-2');
    const files = readdirSync(pristine).filter(
      (f) => !['config.json', 'training_args.json', 'rng_state.json'].includes(f),
    );
    for (let c = Number(chunkStart); c < Number(chunkStart) + Number(chunkCount); c++) {
      const dir = join(work, `case-${c}`, 'checkpoint-2');
      cpSync(pristine, dir, { recursive: true });
      const what = `case ${c}: ${damage(dir, files)}`;
      const t = run(join(work, `case-${c}`), tinyModel(123));
      const before = weightsOf(t.model);
      try {
        const out = await t.train({ resumeFromCheckpoint: dir });
        record(`resumed (global step ${out.globalStep})`, what);
      } catch (error) {
        const changed = weightsOf(t.model) !== before || t.state.globalStep !== 0;
        if (error instanceof CheckpointError && !changed) record('typed error', what);
        // In range but absurd (eps 0, a learning rate of 1e300, NaN moments): training stops, naming the step.
        else if (error instanceof trainer.NonFiniteLossError)
          record('resumed, then NonFiniteLossError', what);
        else unexpected(error, changed, what);
      }
      t.model.dispose();
      rmSync(join(work, `case-${c}`), { recursive: true, force: true });
    }
  } else {
    const setup = async (seed) => {
      const accelerator = new Accelerator();
      const model = tinyModel(seed);
      const optimizer = new trainer.AdamW(trainer.trainerParameterGroups(model, 0.01), { lr: 1e-3 });
      const scheduler = trainer.getScheduler('linear', optimizer, {
        numWarmupSteps: 1,
        numTrainingSteps: 10,
      });
      await accelerator.prepare(model, optimizer, scheduler);
      const snapshot = () =>
        JSON.stringify([
          weightsOf(model),
          optimizer.paramGroups.map((g) => [g.lr, g.eps, g.betas]),
          scheduler.lastEpoch,
        ]);
      return { accelerator, model, optimizer, scheduler, snapshot };
    };
    const trained = await setup(7);
    const batch = {
      input_ids: tf.tensor2d([[2, 5, 6, 7]], [1, 4], 'int32'),
      labels: tf.tensor2d([[0, 1, 2, 1]], [1, 4], 'int32'),
    };
    for (let i = 0; i < 2; i++) {
      const { grads } = trained.model.computeGradients(batch);
      trained.optimizer.step(grads);
      trained.scheduler.step();
      tf.dispose([...grads.values()]);
    }
    const pristine = join(work, 'state');
    await trained.accelerator.saveState(pristine);
    const files = readdirSync(pristine).filter((f) => f !== 'config.json');
    let fresh = await setup(123);
    for (let c = Number(chunkStart); c < Number(chunkStart) + Number(chunkCount); c++) {
      const dir = join(work, `case-${c}`);
      cpSync(pristine, dir, { recursive: true });
      const what = `case ${c}: ${damage(dir, files)}`;
      const before = fresh.snapshot();
      try {
        await fresh.accelerator.loadState(dir);
        record('resumed', what);
        fresh.model.dispose();
        fresh = await setup(123);
      } catch (error) {
        const changed = fresh.snapshot() !== before;
        if (error instanceof AccelerateError && !changed) record('typed error', what);
        else unexpected(error, changed, what);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(JSON.stringify(results));
