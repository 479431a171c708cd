// TrainingArguments.tf32 (Python's tf32): written as Python's field (null when not given), and
// refused before any work on a backend without TF32 matmuls (here cpu), as Python's ValueError.
import { Tf32UnsupportedError } from '@ner/models';
import { describe, expect, it } from 'vitest';
import { Trainer, TrainingArguments } from '../src/index.js';
import { makeTempDir } from './temp-dirs.js';
import { collator, NO_DROPOUT, SHORT_RUN, syntheticRows, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

describe('tf32', () => {
  it('is left alone unless given (null in training_args.json), and a boolean when given', () => {
    const outputDir = makeTempDir('ner-tf32-args-');
    expect(new TrainingArguments({ outputDir }).tf32).toBeUndefined();
    expect(new TrainingArguments({ outputDir }).toJSON().tf32).toBeNull();
    expect(new TrainingArguments({ outputDir, tf32: false }).toJSON().tf32).toBe(false);
    expect(() => new TrainingArguments({ outputDir, tf32: 'yes' as never })).toThrow(
      'TrainingArguments.tf32: expected true or false, got "yes"',
    );
  });

  it('true on a backend without TF32 stops train, evaluate and predict before any work; false runs', async () => {
    const rows = syntheticRows(8);
    const make = (tf32: boolean) =>
      new Trainer({
        model: tinyModel(7, 3, NO_DROPOUT),
        args: { ...SHORT_RUN, outputDir: makeTempDir('ner-tf32-'), tf32, saveStrategy: 'no' },
        trainDataset: rows,
        evalDataset: rows,
        dataCollator: collator,
      });
    const refused = make(true);
    await expect(refused.train()).rejects.toThrow(Tf32UnsupportedError);
    await expect(refused.evaluate()).rejects.toThrow(Tf32UnsupportedError);
    await expect(refused.predict(rows)).rejects.toThrow(
      /the active backend 'cpu' cannot: it has no TF32 matmuls/,
    );
    expect(refused.state.globalStep).toBe(0);
    const exact = make(false);
    await exact.train();
    expect(exact.state.globalStep).toBe(4);
  });
});
