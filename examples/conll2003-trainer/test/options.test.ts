// The main job's options: the from-scratch defaults the README's table chose, what --model changes,
// and the seed that reaches weights, shuffling and the augmented copies.
import { describe, expect, it, vi } from 'vitest';
import { parseJobOptions } from '../src/options.js';

describe('parseJobOptions', () => {
  it('defaults from scratch: two mention-replaced copies (half the swaps made-up names), every sub-token labelled, 2 epochs, seed 42', () => {
    const opts = parseJobOptions([]);
    expect(opts).toMatchObject({
      model: undefined,
      epochs: 2,
      learningRate: 3e-3,
      batchSize: 32,
      labelStrategy: 'all',
      minPieceCount: 1,
      hiddenSize: 128,
      layers: 1,
      dropout: 0.2,
      augmentCopies: 2,
      augmentRate: 1,
      syntheticNames: 0.5,
      mlmEpochs: 0,
      seed: 42,
      bf16: false,
      smoke: false,
    });
    expect(opts.trainSize).toBeUndefined();
  });

  it('--bf16 asks for bf16 mixed precision', () => {
    expect(parseJobOptions(['--bf16']).bf16).toBe(true);
  });

  it('--tf32, --gradient-checkpointing and --auto-find-batch-size reach the TrainingArguments options', () => {
    expect(parseJobOptions([])).toMatchObject({
      tf32: undefined,
      gradientCheckpointing: false,
      autoFindBatchSize: false,
    });
    expect(parseJobOptions(['--tf32', '--gradient-checkpointing', '--auto-find-batch-size'])).toMatchObject({
      tf32: true,
      gradientCheckpointing: true,
      autoFindBatchSize: true,
    });
  });

  it('with --model: 3 epochs at 2e-5 and no augmentation (the pretrained recipe)', () => {
    const opts = parseJobOptions(['--model', 'bert-base-cased']);
    expect(opts).toMatchObject({ epochs: 3, learningRate: 2e-5, augmentCopies: 0, tokenDropout: 0 });
  });

  it('reads the options as given, after the `--` pnpm forwards', () => {
    const opts = parseJobOptions([
      '--',
      '--seed',
      '7',
      '--augment-copies',
      '1',
      '--augment-rate',
      '0.5',
      '--label-strategy',
      'first',
      '--synthetic-names',
      '0.25',
    ]);
    expect(opts).toMatchObject({
      seed: 7,
      augmentCopies: 1,
      augmentRate: 0.5,
      labelStrategy: 'first',
      syntheticNames: 0.25,
    });
  });

  it('--smoke: a few sentences for one epoch', () => {
    expect(parseJobOptions(['--smoke'])).toMatchObject({
      smoke: true,
      trainSize: 48,
      evalSize: 16,
      epochs: 1,
    });
  });

  it('exits with code 2 and one line for a share above 1', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() => parseJobOptions(['--synthetic-names', '1.5'])).toThrow('exit 2');
      expect(error).toHaveBeenCalledWith('--synthetic-names must be a share between 0 and 1, got "1.5"');
    } finally {
      exit.mockRestore();
      error.mockRestore();
    }
  });
});
