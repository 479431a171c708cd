// onInitEnd at the end of construction, and the DefaultFlowCallback as a real, first callback.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DefaultFlowCallback,
  Trainer,
  type TrainerCallback,
  TrainerControl,
  TrainerState,
  TrainingArguments,
} from '../src/index.js';
import { makeTempDir } from './temp-dirs.js';
import { collator, syntheticRows, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

const quiet = { reportTo: 'none', logLevel: 'error' } as const;

describe('onInitEnd', () => {
  it('fires once, at the end of the constructor, with the resolved arguments and state', () => {
    const seen: { outputDir: string; learningRate: number; globalStep: number }[] = [];
    const callback: TrainerCallback = {
      onInitEnd: (args, state) => void seen.push({ ...args, globalStep: state.globalStep }),
    };
    const outputDir = makeTempDir('ner-init-');
    new Trainer({ model: tinyModel(), args: { outputDir, ...quiet }, callbacks: [callback] });
    // Synchronous: seen right after `new`, before anything was awaited.
    expect(
      seen.map(({ outputDir, learningRate, globalStep }) => ({ outputDir, learningRate, globalStep })),
    ).toEqual([{ outputDir, learningRate: 5e-5, globalStep: 0 }]);
  });

  it('makes the next train() fail when an async hook rejects', async () => {
    const callback: TrainerCallback = {
      onInitEnd: async () => Promise.reject(new Error('init hook failed')),
    };
    const trainer = new Trainer({
      model: tinyModel(),
      args: { outputDir: makeTempDir('ner-init-'), maxSteps: 1, ...quiet },
      trainDataset: syntheticRows(4),
      dataCollator: collator,
      callbacks: [callback],
    });
    await expect(trainer.train()).rejects.toThrow('init hook failed');
  });
});

describe('DefaultFlowCallback', () => {
  it('sets the control flags from the strategies, after each step and each epoch', () => {
    const flow = new DefaultFlowCallback();
    const args = new TrainingArguments({
      outputDir: 'o',
      loggingSteps: 2,
      loggingFirstStep: true,
      evalStrategy: 'steps',
      evalSteps: 3,
      saveSteps: 4,
    });
    const state = new TrainerState();
    Object.assign(state, { maxSteps: 6, loggingSteps: 2, evalSteps: 3, saveSteps: 4 });
    const flags: string[] = [];
    for (let step = 1; step <= 6; step++) {
      const control = new TrainerControl();
      state.globalStep = step;
      flow.onStepEnd(args, state, control);
      const set = (['shouldLog', 'shouldEvaluate', 'shouldSave', 'shouldTrainingStop'] as const).filter(
        (flag) => control[flag],
      );
      flags.push(`${step}:${set.join(',')}`);
    }
    expect(flags).toEqual([
      '1:shouldLog',
      '2:shouldLog',
      '3:shouldEvaluate',
      '4:shouldLog,shouldSave',
      '5:',
      '6:shouldLog,shouldEvaluate,shouldTrainingStop',
    ]);
    const epochArgs = new TrainingArguments({
      outputDir: 'o',
      loggingStrategy: 'epoch',
      evalStrategy: 'epoch',
      saveStrategy: 'no',
    });
    const control = new TrainerControl();
    flow.onEpochEnd(epochArgs, state, control);
    expect({ ...control }).toEqual({
      shouldTrainingStop: false,
      shouldEpochStop: false,
      shouldSave: false,
      shouldEvaluate: true,
      shouldLog: true,
    });
  });

  it('comes first, so a later callback can veto its checkpoints', async () => {
    const out = makeTempDir('ner-flow-');
    const noSaves: TrainerCallback = {
      onStepEnd: (_args, state, control) => {
        if (state.globalStep !== 4) control.shouldSave = false;
      },
    };
    const trainer = new Trainer({
      model: tinyModel(),
      args: { outputDir: out, maxSteps: 6, saveSteps: 2, perDeviceTrainBatchSize: 4, ...quiet },
      trainDataset: syntheticRows(24),
      dataCollator: collator,
      callbacks: [noSaves],
    });
    expect(trainer.callbackHandler.callbacks[0]).toBeInstanceOf(DefaultFlowCallback);
    await trainer.train();
    expect(readdirSync(out).filter((name) => name.startsWith('checkpoint-'))).toEqual(['checkpoint-4']);
  });
});
