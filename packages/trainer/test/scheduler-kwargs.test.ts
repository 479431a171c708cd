// TrainingArguments.lrSchedulerKwargs: Python's lr_scheduler_kwargs, given to the schedule the
// Trainer builds, checked against what each schedule takes, written under Python's names.
import { describe, expect, it } from 'vitest';
import { getScheduler, Trainer, TrainingArguments, TrainingArgumentsError } from '../src/index.js';
import { makeTempDir } from './temp-dirs.js';
import { collator, syntheticRows, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

/** The learning rates of the Trainer's own scheduler over `steps` steps, for `args`. */
function trainerRates(args: Record<string, unknown>, steps: number): number[] {
  const trainer = new Trainer({
    model: tinyModel(),
    args: { outputDir: makeTempDir('ner-kwargs-'), learningRate: 1e-3, reportTo: 'none', ...args },
    trainDataset: syntheticRows(4),
    dataCollator: collator,
  });
  trainer.createOptimizerAndScheduler(steps);
  const rates: number[] = [];
  for (let step = 0; step < steps; step++) {
    rates.push(trainer.lrScheduler!.getLastLr()[0]!);
    trainer.lrScheduler!.step();
  }
  return rates;
}

/** The same schedule built directly on a one-group optimizer. */
function directRates(type: Parameters<typeof getScheduler>[0], options: object, steps: number): number[] {
  const optimizer = { paramGroups: [{ lr: 1e-3, initialLr: 1e-3 }] };
  const scheduler = getScheduler(type, optimizer, { numWarmupSteps: 2, numTrainingSteps: steps, ...options });
  const rates: number[] = [];
  for (let step = 0; step < steps; step++) {
    rates.push(scheduler.getLastLr()[0]!);
    scheduler.step();
  }
  return rates;
}

describe('lrSchedulerKwargs', () => {
  it('reaches the schedule: cosine_with_restarts with 3 cycles, polynomial with lrEnd and power', () => {
    const restarts = trainerRates(
      { lrSchedulerType: 'cosine_with_restarts', warmupSteps: 2, lrSchedulerKwargs: { numCycles: 3 } },
      20,
    );
    expect(restarts).toEqual(directRates('cosine_with_restarts', { numCycles: 3 }, 20));
    expect(restarts).not.toEqual(directRates('cosine_with_restarts', {}, 20));
    const polynomial = trainerRates(
      { lrSchedulerType: 'polynomial', warmupSteps: 2, lrSchedulerKwargs: { lrEnd: 1e-4, power: 2 } },
      20,
    );
    expect(polynomial).toEqual(directRates('polynomial', { lrEnd: 1e-4, power: 2 }, 20));
    expect(polynomial).not.toEqual(directRates('polynomial', {}, 20));
  });

  it('refuses what the schedule does not take, and values that are not numbers', () => {
    const base = { outputDir: makeTempDir('ner-kwargs-args-') };
    expect(() => new TrainingArguments({ ...base, lrSchedulerKwargs: { numCycles: 2 } })).toThrow(
      new TrainingArgumentsError('lrSchedulerKwargs', 'the linear schedule takes no options, not numCycles'),
    );
    expect(
      () =>
        new TrainingArguments({
          ...base,
          lrSchedulerType: 'polynomial',
          lrSchedulerKwargs: { numCycles: 2 },
        }),
    ).toThrow('the polynomial schedule takes lrEnd, power, not numCycles');
    expect(
      () =>
        new TrainingArguments({
          ...base,
          lrSchedulerType: 'cosine',
          lrSchedulerKwargs: { numCycles: '2' as unknown as number },
        }),
    ).toThrow('numCycles must be a finite number, got "2"');
    expect(() => new TrainingArguments({ ...base, lrSchedulerKwargs: [1] as never })).toThrow(
      'lrSchedulerKwargs: expected an object, got [1]',
    );
  });

  it('is written to training_args.json as Python writes the dict', () => {
    const base = { outputDir: makeTempDir('ner-kwargs-json-') };
    expect(new TrainingArguments(base).toJSON().lr_scheduler_kwargs).toEqual({});
    const args = new TrainingArguments({
      ...base,
      lrSchedulerType: 'polynomial',
      lrSchedulerKwargs: { lrEnd: 1e-6, power: 3 },
    });
    expect(args.toJSON().lr_scheduler_kwargs).toEqual({ lr_end: 1e-6, power: 3 });
  });
});
