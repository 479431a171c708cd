// Input a caller can get wrong or an attacker can shape: every case ends in a
// typed error that names the argument and index, never a wrong number or a hang.
import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  classificationReport,
  confusionMatrix,
  EvaluateError,
  EvaluateTypeError,
  EvaluateValueError,
  EvaluateZeroDivisionError,
  f1Score,
  load,
  MAX_CONFUSION_CELLS,
  precisionRecallFscoreSupport,
} from '../../src/index.js';

function thrown(fn: () => unknown): EvaluateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EvaluateError) return error;
    throw new Error(`expected an EvaluateError, got ${String(error)}`);
  }
  throw new Error('expected an EvaluateError, nothing was thrown');
}

describe('hostile labels', () => {
  it('names the first label of the other kind when strings and numbers mix', () => {
    const error = thrown(() => accuracyScore([0, 1, 1], [0, '1', 1] as never));
    expect(error).toBeInstanceOf(EvaluateTypeError);
    expect(error.message).toBe(
      'Mix of label input types (string and number): yPred[1] is a string but yTrue[0] is a number',
    );
  });

  it('rejects NaN, Infinity, fractions, null and objects with the index', () => {
    expect(thrown(() => f1Score([0, Number.NaN], [0, 1])).message).toMatch(
      /^yTrue\[1\] is NaN: labels must be finite/,
    );
    expect(thrown(() => f1Score([0, 1], [0, Number.POSITIVE_INFINITY])).message).toMatch(
      /^yPred\[1\] is Infinity/,
    );
    const fraction = thrown(() => f1Score([0, 0.5], [0, 1]));
    expect(fraction).toBeInstanceOf(EvaluateValueError);
    expect(fraction.message).toMatch(
      /yTrue\[1\] is 0.5: classification metrics can't handle continuous targets/,
    );
    expect(thrown(() => f1Score([0, null] as never, [0, 1])).message).toBe(
      'yTrue[1] is null: expected a number or a string',
    );
    expect(thrown(() => f1Score([{}] as never, [1])).message).toBe(
      'yTrue[0] is object: expected a number or a string',
    );
    expect(thrown(() => f1Score('01' as never, [0, 1])).message).toBe(
      'yTrue must be an array of labels, got string',
    );
  });

  it('rejects labels options of the other kind and a non-array', () => {
    expect(thrown(() => precisionRecallFscoreSupport([0, 1], [0, 1], { labels: ['0'] })).message).toMatch(
      /labels are strings but the samples' labels are numbers/,
    );
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: 5 as never })).toThrow(EvaluateTypeError);
  });

  it('compares labels by value and kind, never by their text', () => {
    // '1' and 1 are different labels in Python; -0 and 0 are the same number.
    expect(accuracyScore(['1', '01'], ['1', '1'])).toBe(0.5);
    expect(accuracyScore([0, 1], [-0, 1])).toBe(1);
  });
});

describe('hostile options', () => {
  it('checks sample weights: length, NaN, type', () => {
    expect(thrown(() => accuracyScore([0, 1], [0, 1], { sampleWeight: [1] })).message).toBe(
      'Found input variables with inconsistent numbers of samples: sampleWeight has 1 values for 2 samples',
    );
    expect(thrown(() => f1Score([0, 1], [0, 1], { sampleWeight: [1, Number.NaN] })).message).toBe(
      'sampleWeight[1] is NaN: expected a finite number',
    );
    expect(thrown(() => accuracyScore([0, 1], [0, 1], { sampleWeight: [0, 0] }))).toBeInstanceOf(
      EvaluateZeroDivisionError,
    );
  });

  it('checks average, zeroDivision, beta, digits and normalize by name', () => {
    expect(thrown(() => f1Score([0, 1], [0, 1], { average: 'mean' as never })).message).toMatch(
      /^average has to be one of \(null, 'binary', 'micro', 'macro', 'weighted', 'samples'\); got "mean"/,
    );
    expect(thrown(() => f1Score([0, 1], [0, 1], { zeroDivision: 0.5 as never })).message).toBe(
      "Got zeroDivision=0.5. Must be one of ['warn', 0, 1]",
    );
    expect(thrown(() => precisionRecallFscoreSupport([0, 1], [0, 1], { beta: Number.NaN })).message).toMatch(
      /^beta should be >=0/,
    );
    expect(thrown(() => classificationReport([0, 1], [0, 1], { digits: 1e9 })).message).toMatch(
      /^digits must be/,
    );
    expect(thrown(() => confusionMatrix([0, 1], [0, 1], { normalize: 'rows' as never })).message).toMatch(
      /^normalize must be one of/,
    );
  });

  it('checks that the labels and target names of a report are arrays', () => {
    expect(() => classificationReport([0, 1], [0, 1], { targetNames: 'ab' as never })).toThrow(
      'classificationReport: targetNames must be an array of strings',
    );
    expect(() => classificationReport([0, 1], [0, 1], { targetNames: ['a', 1] as never })).toThrow(
      EvaluateTypeError,
    );
    expect(() => classificationReport([0, 1], [0, 1], { labels: 3 as never })).toThrow(
      'classificationReport: labels must be an array of labels',
    );
  });

  it('refuses a confusion matrix too large to allocate, before allocating it', () => {
    const labels = Array.from({ length: 4097 }, (_, i) => i);
    expect(thrown(() => confusionMatrix([0], [0], { labels })).message).toBe(
      `confusionMatrix: 4097 labels would make a 4097 × 4097 matrix, above the limit of ${MAX_CONFUSION_CELLS} cells`,
    );
    expect(thrown(() => confusionMatrix([], [], { labels })).message).toMatch(/4097 labels/);
  });

  it('keeps load from reaching Object.prototype', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(() => load(name as never)).toThrow(EvaluateValueError);
    }
  });
});
