// TrainingArguments refuses option names it does not take, as Python's dataclass refuses an
// unexpected keyword argument, instead of training with the default: Python's snake_case spelling
// gets the camelCase name, a typo the closest name, a Python option with no counterpart the reason.
import { describe, expect, it } from 'vitest';
import { Trainer, TrainingArguments, TrainingArgumentsError } from '../src/index.js';
import { collator, syntheticRows, tinyModel } from './tiny.js';

/** The error `new TrainingArguments(options)` throws. */
function refusal(options: object): TrainingArgumentsError {
  try {
    new TrainingArguments({ outputDir: 'out', ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(TrainingArgumentsError);
    return error as TrainingArgumentsError;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

describe('TrainingArguments option names', () => {
  it("names Python's spelling of an option with the name here", () => {
    const error = refusal({ learning_rate: 1e-3 });
    expect(error.field).toBe('learning_rate');
    expect(error.message).toBe(
      "TrainingArguments.learning_rate: unknown option; that is Python's spelling, here it is learningRate",
    );
    expect(refusal({ per_device_train_batch_size: 16 }).message).toMatch(
      /here it is perDeviceTrainBatchSize$/,
    );
    expect(refusal({ output_dir: 'x' }).message).toMatch(/here it is outputDir$/);
  });

  it('suggests the closest name for a typo', () => {
    expect(refusal({ learningRat: 1e-3 }).message).toBe(
      'TrainingArguments.learningRat: unknown option; did you mean learningRate?',
    );
    expect(refusal({ numTrainEpoch: 2 }).message).toMatch(/did you mean numTrainEpochs\?$/);
    expect(refusal({ somethingElse: 1 }).message).toBe('TrainingArguments.somethingElse: unknown option');
  });

  it('says why a Python option has no counterpart, and takes the values that ask for nothing', () => {
    expect(refusal({ fp16: true }).message).toMatch(
      /^TrainingArguments\.fp16: not supported here: the backends here have no float16 products; bf16: true/,
    );
    expect(refusal({ optim: 'adafactor' }).message).toMatch(
      /^TrainingArguments\.optim: not supported here: .*AdamW/,
    );
    expect(refusal({ dataloader_num_workers: 4 }).field).toBe('dataloader_num_workers');
    expect(refusal({ useCpu: true }).message).toMatch(/initBackend\(\)/);
    const harmless = new TrainingArguments({
      outputDir: 'out',
      learningRate: 1e-3,
      ...{
        fp16: false,
        optim: 'adamw_torch',
        dataloaderNumWorkers: 0,
        save_safetensors: true,
        do_train: true,
      },
    });
    expect(harmless.learningRate).toBe(1e-3);
  });

  it('takes every option it documents, and options set to undefined', () => {
    const args = new TrainingArguments({
      outputDir: 'out',
      evaluationStrategy: 'no',
      hubAlwaysPush: false,
      ...{ notAnOption: undefined },
    });
    expect(args.outputDir).toBe('out');
    // with() rebuilds from every resolved field: each is an option name.
    expect(args.with({ seed: 3 }).seed).toBe(3);
  });

  it('is checked when the Trainer is given a plain options object', () => {
    expect(
      () =>
        new Trainer({
          model: tinyModel(),
          args: { outputDir: 'out', ...{ num_train_epochs: 1 } },
          trainDataset: syntheticRows(4),
          dataCollator: collator,
        }),
    ).toThrow(/TrainingArguments\.num_train_epochs: .*here it is numTrainEpochs/);
  });
});

describe('Trainer option names', () => {
  const base = () => ({ model: tinyModel(), args: { outputDir: 'out' }, dataCollator: collator });

  it("refuses Python's spelling, typos and Python-only arguments, naming them", () => {
    expect(() => new Trainer({ ...base(), ...{ train_dataset: syntheticRows(4) } })).toThrow(
      "Trainer: train_dataset: unknown option; that is Python's spelling, here it is trainDataset",
    );
    expect(() => new Trainer({ ...base(), ...{ computeMetric: () => ({}) } })).toThrow(
      'Trainer: computeMetric: unknown option; did you mean computeMetrics?',
    );
    expect(() => new Trainer({ ...base(), ...{ preprocess_logits_for_metrics: () => 0 } })).toThrow(
      /^Trainer: preprocess_logits_for_metrics: not supported here: computeMetrics receives the logits/,
    );
    expect(() => new Trainer(null as never)).toThrow('Trainer: options must be an object, got null');
  });

  it('takes its own options, and Python-only ones left null', () => {
    const trainer = new Trainer({ ...base(), trainDataset: syntheticRows(4), ...{ modelInit: null } });
    expect(trainer.args.outputDir).toBe('out');
  });
});
