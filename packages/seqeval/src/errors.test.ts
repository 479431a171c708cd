// Each error seqeval raises, as the typed error we throw (pythonType = Python's class).
import { describe, expect, it } from 'vitest';
import { accuracyScore } from './accuracy.js';
import { autoDetect } from './auto-detect.js';
import { classificationReport } from './classification-report.js';
import { Entities } from './entities.js';
import {
  SeqevalError,
  SeqevalIndexError,
  SeqevalKeyError,
  SeqevalTypeError,
  SeqevalValueError,
  SeqevalZeroDivisionError,
} from './errors.js';
import { getEntities } from './get-entities.js';
import { f1Score, precisionRecallFscoreSupport } from './scores.js';

const silent = { onWarning: () => {} };

function thrown(call: () => unknown): SeqevalError {
  try {
    call();
  } catch (error) {
    if (error instanceof SeqevalError) return error;
    throw error;
  }
  throw new Error('expected a SeqevalError');
}

describe('errors mirror seqeval', () => {
  it('TypeError: input that is not a non-empty list of lists', () => {
    const empty = thrown(() => f1Score([], []));
    expect(empty).toBeInstanceOf(SeqevalTypeError);
    expect(empty.pythonType).toBe('TypeError');
    expect(empty.message).toContain('Found input variables without list of list.');
    expect(() => f1Score(['B-PER'] as unknown as string[][], [['B-PER']])).toThrow(SeqevalTypeError);
  });

  it('ValueError: inconsistent lengths, listing both shapes', () => {
    const error = thrown(() => f1Score([['O', 'B-PER']], [['O']]));
    expect(error).toBeInstanceOf(SeqevalValueError);
    expect(error.message).toBe('Found input variables with inconsistent numbers of samples:\n[2]\n[1]');
  });

  it('ValueError: a prefix the strict scheme does not allow', () => {
    const error = thrown(() => f1Score([['S-PER']], [['S-PER']], { mode: 'strict', scheme: 'IOB2' }));
    expect(error).toBeInstanceOf(SeqevalValueError);
    expect(error.message).toContain('Invalid token is found: S-PER. Allowed prefixes are: I|O|B.');
    expect(() => new Entities([['B-PER']], 'IOE1')).toThrow(/Allowed prefixes are: I\|O\|E\./);
  });

  it('KeyError: a prefix letter outside I, O, B, E, S, U, L in strict mode', () => {
    const error = thrown(() => new Entities([['X-PER']], 'IOB2'));
    expect(error).toBeInstanceOf(SeqevalKeyError);
    expect(error.pythonType).toBe('KeyError');
    expect((error as SeqevalKeyError).key).toBe('X');
    expect(error.message).toContain("'X'");
  });

  it('ValueError: strict mode without a scheme when auto-detection fails', () => {
    expect(() => autoDetect([['O', 'O']])).toThrow(/This scheme is not supported: \{<Prefix.O: 2>\}/);
    expect(() => autoDetect([['X-PER']])).toThrow(/This scheme is not supported: X-PER/);
    // IOB1 data (I- and O only) cannot be detected; pass scheme: 'IOB1'.
    expect(() => classificationReport([['I-PER', 'O']], [['I-PER', 'O']], { mode: 'strict' })).toThrow(
      SeqevalValueError,
    );
    const iob1 = classificationReport([['I-PER', 'O']], [['I-PER', 'O']], {
      mode: 'strict',
      scheme: 'IOB1',
      outputDict: true,
    });
    expect(iob1.PER?.support).toBe(1);
  });

  it('ValueError: bad average, negative beta, bad zeroDivision', () => {
    const data = [['B-PER']];
    expect(() => f1Score(data, data, { average: 'samples' as 'micro' })).toThrow(/average has to be one of/);
    expect(() => precisionRecallFscoreSupport(data, data, { beta: -1 })).toThrow(/beta should be >=0/);
    expect(() => f1Score(data, data, { zeroDivision: 2 as 1 })).toThrow(SeqevalValueError);
  });

  it('ZeroDivisionError: accuracy over no tokens', () => {
    const error = thrown(() => accuracyScore([[]], [[]]));
    expect(error).toBeInstanceOf(SeqevalZeroDivisionError);
    expect(error.message).toContain('division by zero');
  });

  it('IndexError: an empty tag has no prefix', () => {
    expect(() => getEntities([''], silent)).toThrow(SeqevalIndexError);
    expect(() => new Entities([['']], 'IOB2')).toThrow(SeqevalIndexError);
  });
});
