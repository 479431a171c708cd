// TrainingArguments.autoFindBatchSize (Python's auto_find_batch_size): a run that runs out of
// memory starts again at half the batch size; a resumed run batches as its checkpoint's did.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Accelerator } from '@ner/accelerate';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAdamW } from '../src/training-plan.js';
import { getScheduler, Trainer, TrainerError, type TrainerOptions, TrainingArguments } from '../src/index.js';
import type { TrainableModel } from '../src/trainable-model.js';
import type { PreparedInputs } from '../src/trainer-types.js';
import { makeTempDir } from './temp-dirs.js';
import { collator, NO_DROPOUT, SHORT_RUN, syntheticRows, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();
afterEach(() => vi.restoreAllMocks());

const rows = syntheticRows(16);

/**
 * A Trainer on a device that holds at most `maxRows` rows per batch from step `fromStep` on:
 * a larger batch fails inside the loss, after the forward pass has allocated its tensors, with
 * the error a failed host allocation throws (V8's RangeError).
 */
class SmallMemoryTrainer extends Trainer<(typeof rows)[number]> {
  readonly tried: number[] = [];
  constructor(
    outputDir: string,
    args: object,
    private readonly maxRows: number,
    private readonly fromStep = 0,
    options: Partial<TrainerOptions<(typeof rows)[number]>> = {},
  ) {
    super({
      model: tinyModel(7, 3, NO_DROPOUT),
      args: { ...SHORT_RUN, maxSteps: 4, outputDir, ...args },
      trainDataset: rows,
      dataCollator: collator,
      ...options,
    });
  }
  protected override computeLoss(model: TrainableModel, inputs: PreparedInputs, returnOutputs = false) {
    const result = super.computeLoss(model, inputs, returnOutputs);
    const batchRows = inputs.input_ids.shape[0]!;
    if (this.modelTraining) this.tried.push(batchRows);
    if (this.modelTraining && batchRows > this.maxRows && this.state.globalStep >= this.fromStep) {
      throw new RangeError('Array buffer allocation failed');
    }
    return result;
  }
}

const weightsOf = (trainer: { model: TrainableModel }) =>
  trainer.model.namedParameters().map(([, variable]) => Array.from(variable.dataSync()));

const stateJson = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8')) as Record<string, unknown>;

describe('autoFindBatchSize', () => {
  it('halves the batch size until a step fits and trains as a run at that size would, from the start', async () => {
    // The run at 8 (2 steps an epoch) that the search should end up reproducing exactly.
    const beforePlain = tf.memory().numTensors;
    const plain = new SmallMemoryTrainer(makeTempDir('ner-afbs-plain-'), { perDeviceTrainBatchSize: 8 }, 8);
    await plain.train();
    const keptByPlain = tf.memory().numTensors - beforePlain;
    const plainWeights = weightsOf(plain);
    (plain.model as unknown as { dispose(): void }).dispose();
    plain.optimizer!.dispose();

    // Batches of 16 fit for two updates (the weights and moments change), then run out of memory.
    const out = makeTempDir('ner-afbs-');
    const beforeSearch = tf.memory().numTensors;
    const searching = new SmallMemoryTrainer(
      out,
      { perDeviceTrainBatchSize: 16, autoFindBatchSize: true },
      8,
      2,
    );
    await searching.train();
    expect(searching.tried.slice(0, 4)).toEqual([16, 16, 16, 8]);
    expect(searching.state.trainBatchSize).toBe(8);
    expect(searching.state.globalStep).toBe(4);
    // Bit for bit the run at 8: the updates made at 16 were undone before the retry.
    expect(weightsOf(searching)).toEqual(plainWeights);
    expect(searching.state.logHistory.filter((e) => 'loss' in e).map((e) => e.loss)).toEqual(
      plain.state.logHistory.filter((e) => 'loss' in e).map((e) => e.loss),
    );
    // Nothing of the failed attempt stays allocated: a model and its optimizer, as after the plain run.
    expect(tf.memory().numTensors - beforeSearch).toBe(keptByPlain);
    // The checkpoints are the retry's: trainer_state.json records the size that fitted.
    expect(stateJson(join(out, 'checkpoint-2')).train_batch_size).toBe(8);
    expect(stateJson(join(out, 'checkpoint-4')).train_batch_size).toBe(8);
    const args = JSON.parse(readFileSync(join(out, 'checkpoint-4', 'training_args.json'), 'utf8'));
    expect(args.auto_find_batch_size).toBe(true);
    expect(args.per_device_train_batch_size).toBe(16);
  });

  it('says each halving unless quiet', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const trainer = new SmallMemoryTrainer(
      makeTempDir('ner-afbs-warn-'),
      { perDeviceTrainBatchSize: 16, autoFindBatchSize: true, logLevel: 'warning', saveStrategy: 'no' },
      4,
    );
    await trainer.train();
    const said = warn.mock.calls
      .map((call) => String(call[0]))
      .filter((line) => line.startsWith('autoFindBatchSize'));
    expect(said).toEqual([
      'autoFindBatchSize: out of memory at a batch size of 16 (Array buffer allocation failed); training again from the start at 8.',
      'autoFindBatchSize: out of memory at a batch size of 8 (Array buffer allocation failed); training again from the start at 4.',
    ]);
  });

  it('without it, running out of memory ends the run with the error as thrown', async () => {
    const trainer = new SmallMemoryTrainer(makeTempDir('ner-afbs-off-'), { perDeviceTrainBatchSize: 16 }, 8);
    await expect(trainer.train()).rejects.toThrow(new RangeError('Array buffer allocation failed'));
    expect(trainer.tried).toEqual([16]);
  });

  it('other errors are not retried', async () => {
    class Failing extends SmallMemoryTrainer {
      protected override computeLoss(): never {
        throw new TypeError('a bug in the loss');
      }
    }
    const trainer = new Failing(makeTempDir('ner-afbs-bug-'), { autoFindBatchSize: true }, 8);
    await expect(trainer.train()).rejects.toThrow(TypeError);
  });

  it('out of memory in an evaluation during training is a TrainerError, not a reason to halve the training batch', async () => {
    class EvalOutOfMemory extends SmallMemoryTrainer {
      override async evaluate(): Promise<Record<string, number>> {
        throw new RangeError('Array buffer allocation failed');
      }
    }
    const trainer = new EvalOutOfMemory(
      makeTempDir('ner-afbs-eval-'),
      {
        perDeviceTrainBatchSize: 8,
        autoFindBatchSize: true,
        evalStrategy: 'steps',
        evalSteps: 2,
        saveStrategy: 'no',
      },
      16,
      0,
      { evalDataset: rows },
    );
    const error = await trainer.train().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerError);
    expect((error as Error).message).toBe(
      'Out of memory in the evaluation at step 2 (perDeviceEvalBatchSize 8): autoFindBatchSize lowers the ' +
        'training batch size only; lower perDeviceEvalBatchSize. Array buffer allocation failed',
    );
    expect((error as Error).cause).toBeInstanceOf(RangeError);
    // One attempt at 8 rows, stopped at the first evaluation: no retry at 4, 2, 1.
    expect(trainer.tried).toEqual([8, 8]);
    // Without autoFindBatchSize the error is the one thrown.
    const plain = new EvalOutOfMemory(
      makeTempDir('ner-afbs-eval-plain-'),
      { perDeviceTrainBatchSize: 8, evalStrategy: 'steps', evalSteps: 2, saveStrategy: 'no' },
      16,
      0,
      { evalDataset: rows },
    );
    await expect(plain.train()).rejects.toThrow(RangeError);
  });

  it('is refused in a run of several processes, before any work', async () => {
    // An accelerator as a second process sees it; train() must refuse before it touches the group.
    const twoProcesses = Object.assign(new Accelerator(), { numProcesses: 2 });
    const trainer = new Trainer({
      model: tinyModel(7, 3, NO_DROPOUT),
      args: { ...SHORT_RUN, outputDir: makeTempDir('ner-afbs-ddp-'), autoFindBatchSize: true },
      trainDataset: rows,
      dataCollator: collator,
      accelerator: twoProcesses,
    });
    await expect(trainer.train()).rejects.toThrow(TrainerError);
    await expect(trainer.train()).rejects.toThrow(/autoFindBatchSize works in one process; this run has 2/);
    expect(trainer.state.globalStep).toBe(0);
  });

  it('is a boolean, written as auto_find_batch_size', () => {
    const outputDir = makeTempDir('ner-afbs-args-');
    expect(new TrainingArguments({ outputDir }).autoFindBatchSize).toBe(false);
    expect(() => new TrainingArguments({ outputDir, autoFindBatchSize: 1 as never })).toThrow(
      'TrainingArguments.autoFindBatchSize: expected true or false, got 1',
    );
    expect(new TrainingArguments({ outputDir, autoFindBatchSize: true }).toJSON().auto_find_batch_size).toBe(
      true,
    );
  });
});

describe('resuming', () => {
  it("batches as the checkpoint's run did (train_batch_size), as Python, and says the arguments differ", async () => {
    const out = makeTempDir('ner-afbs-resume-');
    const full = new SmallMemoryTrainer(out, { perDeviceTrainBatchSize: 8 }, 8);
    await full.train();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const resumed = new SmallMemoryTrainer(
      makeTempDir('ner-afbs-resume-b-'),
      { perDeviceTrainBatchSize: 16, logLevel: 'warning', loggingSteps: 2 },
      16,
    );
    await resumed.train({ resumeFromCheckpoint: join(out, 'checkpoint-2') });
    expect(resumed.tried).toEqual([8, 8]);
    expect(resumed.state.trainBatchSize).toBe(8);
    expect(weightsOf(resumed)).toEqual(weightsOf(full));
    const said = warn.mock.calls.map((call) => String(call[0])).join('\n');
    expect(said).toContain(
      "The following arguments do not match the ones in the checkpoint's trainer_state.json:",
    );
    expect(said).toContain('loggingSteps: 2 (arguments) != 1 (trainer_state.json logging_steps)');
    expect(said).toContain(
      'perDeviceTrainBatchSize: 16 (arguments) != 8 (trainer_state.json train_batch_size); the run goes on at 8',
    );
  });
});

describe('the optimizer and schedule across runs', () => {
  const learningRates = (trainer: { state: Trainer['state'] }) =>
    trainer.state.logHistory.filter((e) => 'loss' in e).map((e) => e.learning_rate);

  it("a second train() makes the Trainer's schedule again (Python's _created_lr_scheduler) and keeps its optimizer", async () => {
    const trainer = new SmallMemoryTrainer(makeTempDir('ner-afbs-twice-'), { saveStrategy: 'no' }, 16);
    await trainer.train();
    const first = learningRates(trainer);
    const optimizer = trainer.optimizer;
    const schedule = trainer.lrScheduler;
    await trainer.train();
    expect(learningRates(trainer)).toEqual(first);
    expect(first[0]).toBeGreaterThan(0);
    expect(trainer.lrScheduler).not.toBe(schedule);
    expect(trainer.optimizer).toBe(optimizer);
  });

  it('an optimizer and schedule the user gave are put back as they were before each retry', async () => {
    /** A model with the user's AdamW and linear schedule, both already one update in. */
    const withUserOptimizer = async (dir: string) => {
      const model = tinyModel(7, 3, NO_DROPOUT);
      const optimizer = createAdamW(model, new TrainingArguments({ outputDir: dir, learningRate: 5e-3 }));
      const schedule = getScheduler('linear', optimizer, { numWarmupSteps: 1, numTrainingSteps: 8 });
      const warmUp = new SmallMemoryTrainer(
        dir,
        { perDeviceTrainBatchSize: 8, maxSteps: 1, saveStrategy: 'no' },
        8,
        0,
        {
          model,
          optimizers: [optimizer, schedule],
        },
      );
      await warmUp.train();
      return { model, optimizers: [optimizer, schedule] as [typeof optimizer, typeof schedule] };
    };
    const referenceDir = makeTempDir('ner-afbs-user-ref-');
    const reference = new SmallMemoryTrainer(
      referenceDir,
      { perDeviceTrainBatchSize: 8, saveStrategy: 'no' },
      8,
      0,
      await withUserOptimizer(referenceDir),
    );
    await reference.train();
    const searchDir = makeTempDir('ner-afbs-user-');
    const searching = new SmallMemoryTrainer(
      searchDir,
      { perDeviceTrainBatchSize: 16, autoFindBatchSize: true, saveStrategy: 'no' },
      8,
      2,
      await withUserOptimizer(searchDir),
    );
    await searching.train();
    expect(searching.tried.slice(0, 4)).toEqual([16, 16, 16, 8]);
    expect(learningRates(searching)).toEqual(learningRates(reference));
    expect(weightsOf(searching)).toEqual(weightsOf(reference));
  });
});
