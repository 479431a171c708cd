import '@tensorflow/tfjs-backend-cpu';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  EarlyStoppingCallback,
  NonFiniteLossError,
  type PreparedInputs,
  type TrainableModel,
  type TrainerCallback,
  Trainer,
  TrainingArguments,
  TrainingArgumentsError,
} from '../src/index.js';
import { collator, syntheticRows, tinyModel } from './tiny.js';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';

afterEach(removeTempDirs);

const rows = syntheticRows(24);
const evalRows = syntheticRows(10, 99);

function tempDir(): string {
  return makeTempDir('ner-trainer-');
}

function trainLosses(trainer: { state: { logHistory: Record<string, number>[] } }): number[] {
  return trainer.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss!);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TrainingArguments', () => {
  it("has Python's defaults", () => {
    const args = new TrainingArguments({ outputDir: 'out' });
    expect(args.learningRate).toBe(5e-5);
    expect(args.numTrainEpochs).toBe(3);
    expect(args.perDeviceTrainBatchSize).toBe(8);
    expect(args.loggingSteps).toBe(500);
    expect(args.saveSteps).toBe(500);
    expect(args.maxGradNorm).toBe(1);
    expect(args.lrSchedulerType).toBe('linear');
    expect(args.seed).toBe(42);
    expect(args.evalStrategy).toBe('no');
    expect(args.toJSON().evaluation_strategy).toBe('no');
    expect(args.toJSON().per_device_train_batch_size).toBe(8);
    const best = new TrainingArguments({
      outputDir: 'o',
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      loadBestModelAtEnd: true,
    });
    expect(best.metricForBestModel).toBe('loss');
    expect(best.greaterIsBetter).toBe(false);
    expect(new TrainingArguments({ outputDir: 'o', metricForBestModel: 'f1' }).greaterIsBetter).toBe(true);
  });
  it('rejects contradictions with the field name', () => {
    expect(
      () => new TrainingArguments({ outputDir: 'o', loadBestModelAtEnd: true, evalStrategy: 'epoch' }),
    ).toThrow(/loadBestModelAtEnd: requires the save and eval strategy to match/);
    expect(
      () =>
        new TrainingArguments({
          outputDir: 'o',
          loadBestModelAtEnd: true,
          evalStrategy: 'steps',
          evalSteps: 3,
          saveSteps: 5,
        }),
    ).toThrow(/round multiple/);
    expect(() => new TrainingArguments({ outputDir: 'o', perDeviceTrainBatchSize: 0 })).toThrow(
      TrainingArgumentsError,
    );
    expect(() => new TrainingArguments({ outputDir: 'o', warmupRatio: 2 })).toThrow(/warmupRatio/);
    expect(() => new TrainingArguments({ outputDir: 'o', lrSchedulerType: 'nope' as never })).toThrow(
      /lrSchedulerType/,
    );
    expect(() => new TrainingArguments({ outputDir: '' })).toThrow(/outputDir/);
  });
});

describe('Trainer', () => {
  const base = {
    perDeviceTrainBatchSize: 4,
    learningRate: 5e-3,
    logLevel: 'error',
    reportTo: 'none',
    loggingSteps: 1,
  } as const;

  it('is deterministic, keeps the tensor count flat and logs like Python', async () => {
    const runs: { state: { logHistory: Record<string, number>[] } }[] = [];
    const counts: number[] = [];
    for (let run = 0; run < 2; run++) {
      const model = tinyModel();
      const memory: TrainerCallback = { onStepEnd: () => void counts.push(tf.memory().numTensors) };
      const trainer = new Trainer({
        model,
        args: {
          ...base,
          outputDir: tempDir(),
          numTrainEpochs: 2,
          saveStrategy: 'no',
          warmupSteps: 2,
          gradientAccumulationSteps: 2,
        },
        trainDataset: rows,
        dataCollator: collator,
        callbacks: run === 0 ? [memory] : [],
      });
      const out = await trainer.train();
      // 24 rows / 4 = 6 batches / accumulation 2 = 3 updates per epoch, 2 epochs.
      expect(out.globalStep).toBe(6);
      expect(Object.keys(out.metrics)).toEqual([
        'train_runtime',
        'train_samples_per_second',
        'train_steps_per_second',
        'total_flos',
        'train_loss',
        'epoch',
      ]);
      runs.push(trainer);
      trainer.dispose();
      model.dispose();
    }
    const [first, second] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(trainLosses(first)).toEqual(trainLosses(second));
    const entry = first.state.logHistory[0]!;
    expect(Object.keys(entry)).toEqual(['loss', 'grad_norm', 'learning_rate', 'epoch', 'step']);
    // Warmup of 2 steps: learning rate after step 1 is lr * 1/2 (logged after the scheduler step).
    expect(entry.learning_rate).toBeCloseTo(2.5e-3, 12);
    expect(entry.epoch).toBe(0.33);
    expect(new Set(counts.slice(1)).size).toBe(1);
  });

  it('evaluates and predicts with Python metric names, padding predictions with -100', async () => {
    const model = tinyModel();
    let seen: { shape: readonly number[]; labels: readonly number[] | undefined } | undefined;
    const trainer = new Trainer({
      model,
      args: { ...base, outputDir: tempDir(), perDeviceEvalBatchSize: 3 },
      evalDataset: evalRows,
      dataCollator: collator,
      computeMetrics: ({ predictions, labelIds }) => {
        seen = { shape: predictions.shape, labels: labelIds?.shape };
        return { accuracy: 0.5 };
      },
    });
    const metrics = await trainer.evaluate();
    // Python's order: eval_loss, then the computeMetrics keys (prefixed), then speed metrics.
    expect(Object.keys(metrics)).toEqual([
      'eval_loss',
      'eval_accuracy',
      'eval_runtime',
      'eval_samples_per_second',
      'eval_steps_per_second',
      'epoch',
    ]);
    const width = Math.max(...evalRows.map((r) => r.input_ids.length));
    expect(seen?.shape).toEqual([10, width, 3]);
    const tensors = tf.memory().numTensors;
    await trainer.evaluate();
    expect(tf.memory().numTensors).toBe(tensors);
    const out = await trainer.predict(evalRows);
    expect(out.metrics.test_loss).toBeCloseTo(metrics.eval_loss!, 6);
    expect(out.labelIds?.shape).toEqual([10, width]);
    // Batches of 3 are padded to their own longest row by the collator, then
    // concatenated with -100 up to the longest batch: rows 3-5 form the only
    // batch narrower than the widest (lengths 4, 5, 7 against 8).
    const batchWidth = (i: number) =>
      Math.max(...evalRows.slice(i - (i % 3), i - (i % 3) + 3).map((r) => r.input_ids.length));
    const narrow = evalRows.map((_, i) => i).filter((i) => batchWidth(i) < width);
    expect(narrow).toEqual([3, 4, 5]);
    const row = 3;
    const length = evalRows[row]!.input_ids.length;
    expect([length, batchWidth(row), width]).toEqual([4, 7, 8]);
    const labelsOf = Array.from(out.labelIds!.data.subarray(row * width, (row + 1) * width));
    // Its labels, then -100: the collator's padding up to 7, the concatenation's at 7.
    expect(labelsOf).toEqual([...evalRows[row]!.labels, -100, -100, -100, -100]);
    const logitsAt = (j: number) =>
      Array.from(out.predictions.data.subarray((row * width + j) * 3, (row * width + j + 1) * 3));
    expect(logitsAt(width - 1)).toEqual([-100, -100, -100]);
    // Inside its batch the logits are the model's own: the same as predicting the row alone.
    const alone = await trainer.predict([evalRows[row]!]);
    expect(alone.predictions.shape).toEqual([1, length, 3]);
    for (let j = 0; j < length; j++) {
      const expected = Array.from(alone.predictions.data.subarray(j * 3, (j + 1) * 3));
      for (const [c, value] of logitsAt(j).entries()) expect(value).toBeCloseTo(expected[c]!, 5);
    }
    for (let j = length; j < batchWidth(row); j++) expect(logitsAt(j).every((v) => v !== -100)).toBe(true);
    model.dispose();
  });

  it('writes checkpoints atomically, rotates them keeping the best, and resumes to the same losses', async () => {
    const args = { ...base, numTrainEpochs: 3, saveSteps: 2, warmupSteps: 1 };
    // Uninterrupted run.
    const full = new Trainer({
      model: tinyModel(),
      args: { ...args, outputDir: tempDir() },
      trainDataset: rows,
      dataCollator: collator,
    });
    await full.train();
    // A run that "crashes" at step 7 (after checkpoint-6 was written).
    const out = tempDir();
    const crash: TrainerCallback = {
      onStepEnd: (_a, state) => {
        if (state.globalStep === 7) throw new Error('simulated crash');
      },
    };
    const crashing = new Trainer({
      model: tinyModel(),
      args: { ...args, outputDir: out },
      trainDataset: rows,
      dataCollator: collator,
      callbacks: [crash],
    });
    await expect(crashing.train()).rejects.toThrow('simulated crash');
    const checkpoint = join(out, 'checkpoint-6');
    expect(readdirSync(checkpoint).sort()).toEqual([
      'config.json',
      'model.safetensors',
      'optimizer.json',
      'optimizer.safetensors',
      'rng_state.json',
      'scheduler.json',
      'trainer_state.json',
      'training_args.json',
    ]);
    expect(readdirSync(out).filter((n) => n.startsWith('.tmp'))).toEqual([]);
    const state = JSON.parse(readFileSync(join(checkpoint, 'trainer_state.json'), 'utf8'));
    expect(state.global_step).toBe(6);
    expect(state.max_steps).toBe(18);
    expect(Object.keys(state)).toContain('best_model_checkpoint');
    expect(state.log_history).toHaveLength(6);
    // Resume with a fresh model of a different seed: everything must come from the checkpoint.
    const resumed = new Trainer({
      model: tinyModel(123),
      args: { ...args, outputDir: out },
      trainDataset: rows,
      dataCollator: collator,
    });
    await resumed.train({ resumeFromCheckpoint: checkpoint });
    const a = trainLosses(full);
    const b = trainLosses(resumed);
    expect(b).toHaveLength(18);
    for (let i = 0; i < 18; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
  });

  it('keeps the best checkpoint under saveTotalLimit, loads it at the end, and stops early', async () => {
    const out = tempDir();
    let calls = 0;
    const scores = [0.9, 0.5, 0.4, 0.3, 0.2, 0.1];
    const trainer = new Trainer({
      model: tinyModel(),
      args: {
        ...base,
        outputDir: out,
        numTrainEpochs: 6,
        evalStrategy: 'epoch',
        saveStrategy: 'epoch',
        saveTotalLimit: 1,
        loadBestModelAtEnd: true,
        metricForBestModel: 'f1',
        reportTo: 'all',
      },
      trainDataset: rows,
      evalDataset: evalRows,
      dataCollator: collator,
      computeMetrics: () => ({ f1: scores[calls++]! }),
      callbacks: [new EarlyStoppingCallback({ earlyStoppingPatience: 2 })],
    });
    await trainer.train();
    // Best at epoch 1 (f1 0.9); two evaluations without improvement stop training after epoch 3.
    expect(calls).toBe(3);
    expect(trainer.state.bestMetric).toBe(0.9);
    expect(trainer.state.bestModelCheckpoint).toBe(join(out, 'checkpoint-6'));
    expect(
      readdirSync(out)
        .filter((n) => n.startsWith('checkpoint-'))
        .sort(),
    ).toEqual(['checkpoint-18', 'checkpoint-6']);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toHaveProperty('loss');
  });

  it('an evaluation step that throws: the batch read ahead of it frees its tensors, the error surfaces', async () => {
    // The third predictionStep throws, while the second batch's results are still to be gathered.
    class FailingStepTrainer<Row> extends Trainer<Row> {
      calls = 0;
      protected override predictionStep(
        ...args: Parameters<Trainer<Row>['predictionStep']>
      ): ReturnType<Trainer<Row>['predictionStep']> {
        this.calls += 1;
        if (this.calls === 3) throw new Error('step 3 failed');
        return super.predictionStep(...args);
      }
    }
    const model = tinyModel();
    const trainer = new FailingStepTrainer({
      model,
      args: { ...base, outputDir: tempDir(), perDeviceEvalBatchSize: 3 },
      evalDataset: evalRows,
      dataCollator: collator,
    });
    const tensors = tf.memory().numTensors;
    await expect(trainer.evaluate()).rejects.toThrow('step 3 failed');
    expect(trainer.calls).toBe(3);
    expect(tf.memory().numTensors).toBe(tensors);
    trainer.dispose();
    model.dispose();
  });

  it('stops with a clear error on a NaN loss', async () => {
    // The loss of every batch turns NaN (still connected to the weights, so gradients exist).
    class NanLossTrainer<Row> extends Trainer<Row> {
      protected override computeLoss(model: TrainableModel, inputs: PreparedInputs): tf.Scalar {
        return tf.mul(super.computeLoss(model, inputs) as tf.Scalar, Number.NaN);
      }
    }
    const trainer = new NanLossTrainer({
      model: tinyModel(),
      args: { ...base, outputDir: tempDir() },
      trainDataset: rows,
      dataCollator: collator,
    });
    await expect(trainer.train()).rejects.toThrow(NonFiniteLossError);
    await expect(trainer.train()).rejects.toThrow(/global step 1/);
  });

  it('writes TensorBoard event files when asked', async () => {
    const out = tempDir();
    const trainer = new Trainer({
      model: tinyModel(),
      args: { ...base, outputDir: out, maxSteps: 2, reportTo: ['tensorboard'], saveStrategy: 'no' },
      trainDataset: rows,
      dataCollator: collator,
    });
    await trainer.train();
    const runs = readdirSync(join(out, 'runs'));
    expect(runs).toHaveLength(1);
    const files = readdirSync(join(out, 'runs', runs[0]!));
    expect(files[0]).toMatch(/^events\.out\.tfevents\./);
    expect(existsSync(join(out, 'metrics.jsonl'))).toBe(false);
  });
});
