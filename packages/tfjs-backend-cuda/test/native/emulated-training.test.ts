// Whole training runs on the CUDA kernels' own code, without a GPU. The Trainer fine-tunes a small
// BERT and DistilBERT (@ner/test-support's parityTrainingRun) on `cuda` over the fake device, whose
// launches run src/cu compiled for the host (emu/, sequential and in blocks of host threads); each
// run must follow the same run on the `cpu` backend: every step's grad_norm and (rounded, as
// logged) loss, the final weights, the eval loss and the predictions.
// emulated-kernels.test.ts checks each kernel alone, on the shapes of its cases; this checks them
// as training calls them: the backend's own arguments and geometry, AdamW's state and step count
// over many steps (one multi-tensor launch per step), clipping on the device, the loss, masked
// positions. Dropout is off there (the backends draw different masks); with it on, the emulated
// run must match the fake device's JS kernels instead, which draw the same masks.
// tools/gpu-check's train-parity step runs the same comparison on a GPU.
import '@tensorflow/tfjs-backend-cpu';
import * as models from '@ner/models';
import {
  compareParityRuns,
  makeTempDir,
  type ParityComparison,
  type ParityRun,
  parityTrainingRun,
  removeTempDirs,
} from '@ner/test-support';
import { Trainer } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCudaDevice } from '../../src/fake/fake-device.js';
import { getFallbackCounts, resetFallbackCounts } from '../../src/fallback.js';
import { registerCudaBackend } from '../../src/register.js';
import { buildEmulator, emulatedKernels } from './emu/build-emulator.js';

const dir = mkdtempSync(join(tmpdir(), 'ner-cuda-emu-train-'));
let emulator: string | null = null;
let skipReason = '';
beforeAll(() => {
  ({ path: emulator, reason: skipReason } = buildEmulator(dir));
}, 120_000);
afterAll(async () => {
  await tf.setBackend('cpu');
  rmSync(dir, { recursive: true, force: true });
  removeTempDirs();
});

type Arch = 'bert' | 'distilbert';
/** `cpu`, or `cuda` on a fake device: its JS kernels, or `runKernel`'s. */
type Backend = 'cpu' | { runKernel?: ReturnType<typeof emulatedKernels> };

async function train(
  arch: Arch,
  backend: Backend,
  options: { dropout?: number; maxSteps?: number; bf16?: boolean } = {},
): Promise<ParityRun> {
  if (backend === 'cpu') {
    await tf.setBackend('cpu');
  } else {
    registerCudaBackend({ device: new FakeCudaDevice({ runKernel: backend.runKernel }) });
    if (!(await tf.setBackend('cuda'))) throw new Error('tf.setBackend("cuda") failed');
  }
  resetFallbackCounts();
  const run = await parityTrainingRun({
    tf,
    models,
    Trainer,
    outputDir: makeTempDir('ner-cuda-emu-train-'),
    arch,
    ...options,
  });
  expect(getFallbackCounts(), 'kernels that fell back to the cpu').toEqual({});
  return run;
}

/**
 * The comparison, each of its numbers against its limit (steps, logged losses, the rest); the
 * attention key biases' drift (rounding noise that AdamW amplifies) is reported, not judged.
 */
function expectSameRun(
  comparison: ParityComparison,
  steps: number,
  tolerance: number,
  weightTolerance = tolerance,
): void {
  expect(comparison.steps).toEqual([steps, steps]);
  // Logged with 4 decimals: equal, or one unit apart where a value sits on a rounding edge.
  expect(comparison.lossMaxDiff).toBeLessThan(1.5e-4);
  expect(comparison.gradNormError).toBeLessThan(tolerance);
  expect(comparison.weightError, `worst: ${comparison.worstParameter}`).toBeLessThan(weightTolerance);
  expect(comparison.evalLossError).toBeLessThan(tolerance);
  expect(comparison.predictionMismatch).toBeLessThanOrEqual(0.01);
}

function describeComparison(c: ParityComparison): string {
  return (
    `final weights within ${c.weightError.toExponential(2)} (${c.worstParameter}; key biases ` +
    `${c.keyBiasError.toExponential(2)}), grad norms ` +
    `${c.gradNormError.toExponential(2)}, eval loss ${c.evalLossError.toExponential(2)}`
  );
}

function skipped(): boolean {
  if (emulator) return false;
  expect(process.env.CI, `CI has g++ and Node headers: ${skipReason}`).toBeFalsy();
  console.log(`skipped: ${skipReason}`);
  return true;
}

describe.each<Arch>(['bert', 'distilbert'])(
  '%s trained by the Trainer on the emulated CUDA kernels',
  (arch) => {
    it('follows the cpu backend step by step (sequential launches)', async () => {
      if (skipped()) return;
      const cpu = await train(arch, 'cpu');
      // The run learns: the check would be weak on a flat loss.
      expect(cpu.losses.at(-1)!).toBeLessThan(cpu.losses[0]! * 0.6);
      const emulated = await train(arch, { runKernel: emulatedKernels(emulator!, false) });
      const comparison = compareParityRuns(emulated, cpu);
      console.log(
        `${arch}: loss ${cpu.losses[0]!.toFixed(4)} -> ${cpu.losses.at(-1)!.toFixed(4)} on cpu; emulated cuda: ` +
          describeComparison(comparison),
      );
      // Measured: weights within 1.4e-6 (BERT) and 7.4e-7 (DistilBERT), grad norms 7.2e-6.
      expectSameRun(comparison, 18, 1e-4, 1e-5);
    }, 120_000);

    it('with dropout on, matches the JS kernels, which draw the same masks', async () => {
      if (skipped()) return;
      const js = await train(arch, {}, { dropout: 0.1 });
      const emulated = await train(arch, { runKernel: emulatedKernels(emulator!, false) }, { dropout: 0.1 });
      const cpu = await train(arch, 'cpu', { dropout: 0.1 });
      // Other masks on cpu: the runs differ there, so the agreement below is not a trivial one. And
      // the emulated kernels really ran: their float rounding differs from the JS kernels' somewhere.
      expect(compareParityRuns(cpu, js).weightError).toBeGreaterThan(1e-3);
      const comparison = compareParityRuns(emulated, js);
      expect(comparison.weightError).toBeGreaterThan(0);
      console.log(`${arch}, dropout 0.1, emulated against the JS kernels: ${describeComparison(comparison)}`);
      // Measured: weights within 1.2e-7, grad norms 1.6e-7.
      expectSameRun(comparison, 18, 1e-5, 1e-6);
    }, 120_000);
  },
);

// Blocks of host threads are slow on two cores (every barrier switches threads): BERT only, three
// steps, in which every kernel a training step launches runs its multi-warp path.
it('bert follows the cpu backend in blocks of host threads (shuffles, multi-warp reductions, atomics)', async () => {
  if (skipped()) return;
  const cpu = await train('bert', 'cpu', { maxSteps: 3 });
  const emulated = await train('bert', { runKernel: emulatedKernels(emulator!, true) }, { maxSteps: 3 });
  expectSameRun(compareParityRuns(emulated, cpu), 3, 1e-4);
}, 300_000);

// bf16 autocast (TrainingArguments.bf16): the matmuls' operands go through ner_cast_f32_bf16. No
// cpu run to follow (cpu has no bf16 products): the JS kernels, against the same products. Three
// steps, and the weights looser than the rest: float-level differences (1e-7) between the two
// kernel sets flip a few bf16 roundings (2^-8 apart), and AdamW's normalisation turns what that
// changes in small gradients into visible steps (measured: weights within 7e-5, key biases 1.9e-4;
// grad norms within 3.2e-6). Over 18 steps such flips compound as chaos does, which says nothing
// about the kernels.
it('bert under bf16 autocast matches the JS kernels', async () => {
  if (skipped()) return;
  const js = await train('bert', {}, { bf16: true, maxSteps: 3 });
  const emulated = await train(
    'bert',
    { runKernel: emulatedKernels(emulator!, false) },
    { bf16: true, maxSteps: 3 },
  );
  const fp32 = await train('bert', {}, { maxSteps: 3 });
  // bf16 operands change the run, so the agreement below is not that of two fp32 runs.
  expect(compareParityRuns(fp32, js).weightError).toBeGreaterThan(5e-3);
  const comparison = compareParityRuns(emulated, js);
  console.log(`bert, bf16, 3 steps, emulated against the JS kernels: ${describeComparison(comparison)}`);
  expectSameRun(comparison, 3, 1e-5, 3e-4);
}, 120_000);

it('compareParityRuns: a NaN weight is the worst difference, and key biases are kept apart', () => {
  const run = (weights: number[], keyBias: number): ParityRun => ({
    losses: [1.5],
    gradNorms: [0.5],
    evalLoss: 1,
    predictions: new Int32Array(0),
    parameters: [
      { name: 'bert.encoder.layer.0.attention.self.key.bias', data: Float32Array.of(keyBias) },
      { name: 'classifier.weight', data: Float32Array.from(weights) },
    ],
  });
  expect(compareParityRuns(run([Number.NaN, 2], 0), run([0.5, 2], 0)).weightError).toBe(
    Number.POSITIVE_INFINITY,
  );
  const drifted = compareParityRuns(run([0.5, 2], 0.01), run([0.5, 2.0002], 0));
  expect(drifted.weightError).toBeCloseTo(1e-4, 6);
  expect(drifted.worstParameter).toBe('classifier.weight');
  expect(drifted.keyBiasError).toBeCloseTo(0.01 / 2.0002, 6);
});
