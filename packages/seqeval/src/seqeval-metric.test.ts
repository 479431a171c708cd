import { describe, expect, it } from 'vitest';
import { SeqevalTypeError, SeqevalValueError } from './errors.js';
import { computeSeqeval, Seqeval } from './seqeval-metric.js';

// The tutorial example: one sentence, the second MISC entity (index 2) predicted as O.
const references = [['B-ORG', 'O', 'B-MISC', 'O', 'O', 'O', 'B-MISC', 'O', 'O']];
const predictions = [['B-ORG', 'O', 'O', 'O', 'O', 'O', 'B-MISC', 'O', 'O']];

describe('Seqeval (evaluate "seqeval" metric)', () => {
  it('scores the tutorial example: MISC recall 1/2, overall F1 0.8, accuracy 8/9', () => {
    const metric = new Seqeval();
    metric.addBatch({ predictions, references });
    const result = metric.compute();
    // MISC: 2 true, 1 predicted, 1 correct → p = 1, r = 1/2, f1 = 2/3.
    expect(result.MISC).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3, number: 2 });
    expect(result.ORG).toEqual({ precision: 1, recall: 1, f1: 1, number: 1 });
    // Overall: 3 true, 2 predicted, 2 correct → p = 1, r = 2/3, f1 = 0.8; 8 of 9 tags right.
    expect(result.overall_precision).toBe(1);
    expect(result.overall_recall).toBeCloseTo(2 / 3, 12);
    expect(result.overall_f1).toBeCloseTo(0.8, 12);
    expect(result.overall_accuracy).toBeCloseTo(0.8889, 4);
    expect(Object.keys(result)).toEqual([
      'MISC',
      'ORG',
      'overall_precision',
      'overall_recall',
      'overall_f1',
      'overall_accuracy',
    ]);
  });

  it('accumulates add() and addBatch() and clears itself on compute()', () => {
    const metric = new Seqeval();
    metric.add({ prediction: predictions[0]!, reference: references[0]! });
    metric.addBatch({ predictions: [['B-PER', 'I-PER']], references: [['B-PER', 'I-PER']] });
    expect(metric.size).toBe(2);
    const result = metric.compute();
    expect(result.PER).toEqual({ precision: 1, recall: 1, f1: 1, number: 1 });
    expect(result.overall_recall).toBe(0.75);
    expect(metric.size).toBe(0);
  });

  it('takes a last batch in compute(), like evaluate', () => {
    const result = new Seqeval().compute({ predictions, references });
    expect(result.overall_f1).toBeCloseTo(0.8, 12);
  });

  it('strict mode needs a proper chunk: I-X after O is no entity under IOB2', () => {
    const truth = [['B-NP', 'I-NP', 'O']];
    const guess = [['I-NP', 'I-NP', 'O']];
    expect(computeSeqeval(guess, truth).overall_f1).toBe(1);
    const strict = computeSeqeval(guess, truth, { mode: 'strict', scheme: 'IOB2', onWarning: () => {} });
    expect(strict.overall_f1).toBe(0);
  });

  it('rejects batches of different sizes, unknown schemes and an empty compute', () => {
    const metric = new Seqeval();
    expect(() => metric.addBatch({ predictions: [['O']], references: [] })).toThrow(SeqevalValueError);
    expect(() => metric.compute()).toThrow(/no examples/);
    expect(() => computeSeqeval(predictions, references, { scheme: 'IOB3' as 'IOB2' })).toThrow(
      /Scheme should be one of \[IOB1, IOB2, IOE1, IOE2, IOBES, BILOU\], got IOB3/,
    );
    expect(() => computeSeqeval([], [])).toThrow(SeqevalTypeError);
  });
});
