import { describe, expect, it } from 'vitest';
import { tags } from '../test/tags.js';
import { classificationReport } from './classification-report.js';
import { SeqevalValueError } from './errors.js';
import { formatFixed } from './python-format.js';

// seqeval's classification_report docstring example.
const yTrue = tags('O O O B-MISC I-MISC I-MISC O', 'B-PER I-PER O');
const yPred = tags('O O B-MISC I-MISC I-MISC I-MISC O', 'B-PER I-PER O');

describe('classificationReport', () => {
  it("prints seqeval's text layout: width 12, 2 digits, three average rows, trailing newline", () => {
    const silent = { onWarning: () => {} };
    expect(classificationReport(yTrue, yPred, silent)).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '        MISC       0.00      0.00      0.00         1',
        '         PER       1.00      1.00      1.00         1',
        '',
        '   micro avg       0.50      0.50      0.50         2',
        '   macro avg       0.50      0.50      0.50         2',
        'weighted avg       0.50      0.50      0.50         2',
        '',
      ].join('\n'),
    );
  });

  it('widens the name column for long type names and honours digits', () => {
    const text = classificationReport([['B-ORGANISATION_NAME']], [['B-ORGANISATION_NAME']], { digits: 4 });
    const lines = text.split('\n');
    expect(lines[0]).toBe(`${' '.repeat(17)}  precision    recall  f1-score   support`);
    expect(lines[2]).toBe('ORGANISATION_NAME     1.0000    1.0000    1.0000         1');
  });

  it('returns the dict form with outputDict: true', () => {
    const report = classificationReport(yTrue, yPred, { outputDict: true, onWarning: () => {} });
    expect(Object.keys(report)).toEqual(['MISC', 'PER', 'micro avg', 'macro avg', 'weighted avg']);
    expect(report.PER).toEqual({ precision: 1, recall: 1, 'f1-score': 1, support: 1 });
    expect(report['micro avg']).toEqual({ precision: 0.5, recall: 0.5, 'f1-score': 0.5, support: 2 });
  });

  it('auto-detects the scheme in strict mode', () => {
    const report = classificationReport([['B-PER', 'E-PER', 'S-LOC']], [['B-PER', 'E-PER', 'O']], {
      mode: 'strict',
      outputDict: true,
      onWarning: () => {},
    });
    expect(report.PER?.recall).toBe(1);
    expect(report.LOC?.recall).toBe(0);
  });

  it('throws like seqeval when the text form has no entity to name a row after', () => {
    expect(() => classificationReport([['O']], [['O']], { onWarning: () => {} })).toThrow(SeqevalValueError);
  });
});

describe('formatFixed (Python float formatting)', () => {
  it('rounds exact ties to even and prints nan', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(2 / 3, 2)).toBe('0.67');
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
  });
});
