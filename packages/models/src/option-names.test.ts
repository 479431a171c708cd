import { describe, expect, it } from 'vitest';
import { assertOptionNames, snakeToCamel, unknownOptionProblem } from './option-names.js';

const names = {
  known: ['learningRate', 'seed', 'bf16', 'outputDir'],
  unsupported: {
    fp16: { reason: 'no float16 here' },
    optim: { reason: 'AdamW only', harmless: ['adamw_torch'] },
  },
};

describe('unknownOptionProblem', () => {
  it('takes known names, and unknown ones set to undefined', () => {
    expect(unknownOptionProblem({ learningRate: 1, seed: 2, other: undefined }, names)).toBeUndefined();
  });

  it("names Python's spelling of a known option with the name here", () => {
    expect(unknownOptionProblem({ seed: 1, learning_rate: 1e-3 }, names)).toEqual({
      name: 'learning_rate',
      problem: "unknown option; that is Python's spelling, here it is learningRate",
    });
  });

  it('suggests the closest known name for a typo, up to two edits, any case', () => {
    expect(unknownOptionProblem({ learningRat: 1 }, names)?.problem).toBe(
      'unknown option; did you mean learningRate?',
    );
    expect(unknownOptionProblem({ outputdir: 'x' }, names)?.problem).toBe(
      'unknown option; did you mean outputDir?',
    );
    expect(unknownOptionProblem({ sede: 1 }, names)?.problem).toBe('unknown option; did you mean seed?');
    expect(unknownOptionProblem({ colour: 1 }, names)).toEqual({ name: 'colour', problem: 'unknown option' });
  });

  it('says why a Python option has no counterpart, unless its value asks for nothing', () => {
    expect(unknownOptionProblem({ fp16: true }, names)).toEqual({
      name: 'fp16',
      problem: 'not supported here: no float16 here',
    });
    expect(unknownOptionProblem({ fp16: false }, names)).toBeUndefined();
    expect(unknownOptionProblem({ optim: 'adamw_torch' }, names)).toBeUndefined();
    expect(unknownOptionProblem({ optim: 'sgd' }, names)?.problem).toBe('not supported here: AdamW only');
    // Python's snake_case spelling of an unsupported option is recognised too.
    expect(unknownOptionProblem({ optim: 'adamw_torch', fp16: 1 }, names)?.name).toBe('fp16');
  });

  it('converts snake_case to camelCase', () => {
    expect(snakeToCamel('per_device_train_batch_size')).toBe('perDeviceTrainBatchSize');
    expect(snakeToCamel('adam_beta1')).toBe('adamBeta1');
    expect(snakeToCamel('bf16')).toBe('bf16');
  });

  it("adds the hint when no name is close, and takes any value of a 'any' option", () => {
    const hinted = {
      known: ['seed'],
      hint: 'config fields go in config',
      unsupported: { desc: { reason: 'no bar', harmless: 'any' as const } },
    };
    expect(unknownOptionProblem({ hiddenSize: 1 }, hinted)?.problem).toBe(
      'unknown option; config fields go in config',
    );
    expect(unknownOptionProblem({ desc: 'anything', seed: 1 }, hinted)).toBeUndefined();
  });
});

it('reads only the lists, never what every object inherits', () => {
  expect(unknownOptionProblem({ toString: 1 }, names)).toEqual({
    name: 'toString',
    problem: 'unknown option',
  });
  expect(unknownOptionProblem(JSON.parse('{"__proto__": 1, "constructor": 2}'), names)?.name).toBe(
    '__proto__',
  );
});

describe('assertOptionNames', () => {
  const fail = (name: string | undefined, problem: string) => new RangeError(`${name ?? '-'}|${problem}`);
  it('throws what the caller makes, for a non-object or the first unknown name; undefined is no options', () => {
    expect(() => assertOptionNames(undefined, names, fail)).not.toThrow();
    expect(() => assertOptionNames(null, names, fail)).toThrow('-|options must be an object, got null');
    expect(() => assertOptionNames(3, names, fail)).toThrow('-|options must be an object, got number');
    expect(() => assertOptionNames({ seed: 1, sede: 2 }, names, fail)).toThrow(
      'sede|unknown option; did you mean seed?',
    );
    expect(() => assertOptionNames({ seed: 1 }, names, fail)).not.toThrow();
  });
});
