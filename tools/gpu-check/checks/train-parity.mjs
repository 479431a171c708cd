#!/usr/bin/env node
// Step (c2) of the GPU check: whole training runs on the GPU against the cpu backend. The Trainer
// fine-tunes a small BERT and DistilBERT for 18 steps (tools/test-support/training-parity.js: the
// run that the cuda package's emulated-training test checks on the CUDA sources compiled for the
// host) on `cuda` with TF32 off and on `cpu`; the runs must agree:
//   - the same number of steps, logged losses within 1.5e-4 (they are logged with 4 decimals);
//   - every step's grad norm and the eval loss within NER_GPU_PARITY_TOL (1e-4) relative;
//   - the final weights within NER_GPU_PARITY_WEIGHT_TOL (1e-4) of the largest weight, the worst
//     parameter recorded; the attention key biases apart (keyBiasError, recorded, not judged):
//     their gradient is exactly zero in exact arithmetic, so theirs is rounding noise that AdamW
//     turns into steps of any sign (on the emulated kernels: weights 1.4e-6, key biases 4.1e-6);
//   - at most 1% of the evaluation tokens predicted differently; no kernel falling back.
// Then BERT with dropout 0.1 on `cuda` against the same run on the package's FakeCudaDevice (its JS
// kernels draw the same dropout masks from the same Philox stream), within the same limits. This
// is where the device's kernels, cuBLASLt's products, AdamW's in-place state and the stream order
// meet over many steps, as they do in the trainer step, but compared number by number.
//
//   node tools/gpu-check/checks/train-parity.mjs [--json out.json]
//   env: NER_GPU_PARITY_TOL (1e-4), NER_GPU_PARITY_WEIGHT_TOL (1e-4)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareParityRuns, parityHolds, parityTrainingRun } from '../../test-support/training-parity.js';
import { envNumber, firstLine, writeJsonResult } from '../lib/common.mjs';
import { countsDelta, fallbackCounts, loadCuda, useCuda } from '../lib/cuda.mjs';
import { models, tf, trainer } from '../lib/deps.mjs';

const tolerance = envNumber('NER_GPU_PARITY_TOL', 1e-4);
const weightTolerance = envNumber('NER_GPU_PARITY_WEIGHT_TOL', 1e-4);
const STEPS = 18;
const FAKE_BACKEND = 'cuda-fake-parity';

const dir = mkdtempSync(join(tmpdir(), 'ner-gpu-train-parity-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let runs = 0;

/** One parity run on `backend`, with the kernels that fell back to the cpu meanwhile. */
async function runOn(backend, options) {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend("${backend}") returned false`);
  const before = fallbackCounts();
  const started = performance.now();
  const run = await parityTrainingRun({
    tf,
    models,
    Trainer: trainer.Trainer,
    outputDir: join(dir, `run-${runs++}`),
    ...options,
  });
  return {
    run,
    seconds: (performance.now() - started) / 1000,
    fallbacks: backend === 'cpu' ? {} : countsDelta(before, fallbackCounts()),
  };
}

/** The package's FakeCudaDevice as a second backend: the reference of the dropout run. */
async function fakeBackend() {
  const { module } = await loadCuda();
  if (typeof module?.registerCudaBackend !== 'function' || typeof module?.FakeCudaDevice !== 'function')
    throw new Error('the cuda package exports no registerCudaBackend / FakeCudaDevice');
  if (!tf.findBackendFactory(FAKE_BACKEND))
    module.registerCudaBackend({
      name: FAKE_BACKEND,
      device: new module.FakeCudaDevice({ capacityBytes: 2 ** 30 }),
      priority: -1,
    });
  return FAKE_BACKEND;
}

/** Runs `options` on `cuda` and on `reference`, compares, records under `name`. */
async function compareCase(result, name, reference, options) {
  try {
    const cuda = await runOn('cuda', options);
    const expected = await runOn(reference === 'fake' ? await fakeBackend() : 'cpu', options);
    const comparison = compareParityRuns(cuda.run, expected.run);
    const fellBack = Object.keys(cuda.fallbacks ?? {}).length > 0;
    const ok = !fellBack && parityHolds(comparison, { steps: STEPS, tolerance, weightTolerance });
    result.cases[name] = {
      ok,
      reference,
      ...comparison,
      fallbacks: cuda.fallbacks,
      cudaSeconds: cuda.seconds,
      referenceSeconds: expected.seconds,
      firstLoss: cuda.run.losses[0],
      lastLoss: cuda.run.losses.at(-1),
    };
    console.log(
      `${name}: ${ok ? 'ok' : 'FAILED'}: weights within ${comparison.weightError.toExponential(2)} ` +
        `(${comparison.worstParameter}; key biases ${comparison.keyBiasError.toExponential(2)}), grad norms ${comparison.gradNormError.toExponential(2)}, eval loss ` +
        `${comparison.evalLossError.toExponential(2)}, predictions ${(100 * comparison.predictionMismatch).toFixed(1)}% apart`,
    );
  } catch (error) {
    result.cases[name] = { ok: false, error: firstLine(error) };
    console.log(`${name}: FAILED: ${firstLine(error)}`);
  }
  if (result.cases[name].ok) result.passed += 1;
  else result.failed += 1;
}

const result = { tolerance, weightTolerance, steps: STEPS, cases: {}, passed: 0, failed: 0 };
const cuda = await useCuda({ tf32: false });
result.cuda = cuda.ok ? 'available' : cuda.reason;
if (!cuda.ok) {
  console.log(`train-parity skipped: ${cuda.reason}`);
  writeJsonResult({ ...result, skippedReason: cuda.reason });
  process.exit(0);
}
await compareCase(result, 'bert-fp32-vs-cpu', 'cpu', { arch: 'bert' });
await compareCase(result, 'distilbert-fp32-vs-cpu', 'cpu', { arch: 'distilbert' });
await compareCase(result, 'bert-dropout-vs-fake', 'fake', { arch: 'bert', dropout: 0.1 });
writeJsonResult(result);
process.exit(result.failed === 0 ? 0 : 1);
