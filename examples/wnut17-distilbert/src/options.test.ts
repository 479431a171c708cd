import { describe, expect, it } from 'vitest';
import { parseWnutOptions, SCRATCH_DEFAULTS } from './options.js';

const parse = (...argv: string[]) => parseWnutOptions(argv, '/shared/data', '/example');

describe('parseWnutOptions', () => {
  it('uses the measured from-scratch defaults and all of each split', () => {
    const opts = parse();
    expect(opts).toMatchObject({
      model: undefined,
      data: '/shared/data/wnut17',
      tokenizer: '/shared/data/tokenizers/bert-base-uncased',
      output: '/example/outputs',
      epochs: SCRATCH_DEFAULTS.epochs,
      learningRate: SCRATCH_DEFAULTS.learningRate,
      classWeightPower: SCRATCH_DEFAULTS.classWeightPower,
      minTokenCount: SCRATCH_DEFAULTS.minTokenCount,
      batchSize: 16,
    });
    expect(opts.trainSize).toBe(Number.MAX_SAFE_INTEGER);
    expect(opts.addValidationToTrain).toBe(true);
    expect(parse('--train-splits', 'train').addValidationToTrain).toBe(false);
  });

  it("switches to the guide's settings for a pretrained --model (after pnpm's literal --)", () => {
    const opts = parse('--', '--model', 'distilbert/distilbert-base-uncased');
    expect(opts).toMatchObject({
      epochs: 2,
      learningRate: 2e-5,
      warmupRatio: 0,
      classWeightPower: 0,
      minTokenCount: 0,
    });
  });

  it('keeps smoke runs small whatever the sizes say', () => {
    expect(parse('--smoke', '--train-size', '3000')).toMatchObject({
      trainSize: 32,
      validationSize: 16,
      testSize: 16,
      epochs: 2,
    });
  });

  it('names the flag and the bad value', () => {
    expect(() => parse('--epochs', '0')).toThrow("--epochs must be a positive integer, got '0'");
    expect(() => parse('--learning-rate', 'fast')).toThrow(
      "--learning-rate must be a number > 0, got 'fast'",
    );
    expect(() => parse('--class-weight-power=-1')).toThrow(/--class-weight-power must be a number >= 0/);
    expect(() => parse('--min-token-count', '1.5')).toThrow(/--min-token-count must be an integer >= 0/);
    expect(() => parse('--train-size', '')).toThrow(/--train-size must be an integer >= 0, got ''/);
    expect(() => parse('--train-splits', 'test')).toThrow(
      "--train-splits must be 'train' or 'train,validation', got 'test'",
    );
  });

  it('takes a Hub repo id for --push-to-hub and refuses one that is not an id', () => {
    expect(parse().pushToHub).toBeUndefined();
    expect(parse('--push-to-hub', 'my-user/wnut-distilbert').pushToHub).toBe('my-user/wnut-distilbert');
    expect(() => parse('--push-to-hub', 'a/b/c')).toThrow(/--push-to-hub must be a repo id.*'a\/b\/c'/);
  });
});
