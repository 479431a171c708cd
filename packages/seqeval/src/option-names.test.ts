// Each function refuses option names it does not take with Python's TypeError message, and says
// what was meant: seqeval would raise `TypeError: f1_score() got an unexpected keyword argument`.
import { describe, expect, it } from 'vitest';
import { autoDetect } from './auto-detect.js';
import { classificationReport } from './classification-report.js';
import { Entities } from './entities.js';
import { SeqevalTypeError } from './errors.js';
import { getEntities } from './get-entities.js';
import { f1Score, precisionRecallFscoreSupport, precisionScore, recallScore } from './scores.js';
import { computeSeqeval } from './seqeval-metric.js';

const yTrue = [['B-PER', 'I-PER', 'O', 'B-LOC']];
const yPred = [['B-PER', 'O', 'O', 'B-LOC']];

describe('seqeval option names', () => {
  it("raises Python's TypeError, with the name meant", () => {
    expect(() => f1Score(yTrue, yPred, { schem: 'IOB2' } as object)).toThrow(SeqevalTypeError);
    expect(() => f1Score(yTrue, yPred, { schem: 'IOB2' } as object)).toThrow(
      "f1_score() got an unexpected keyword argument 'schem' (unknown option; did you mean scheme?)",
    );
    expect(() => classificationReport(yTrue, yPred, { output_dict: true } as object)).toThrow(
      "classification_report() got an unexpected keyword argument 'output_dict' (unknown option; that is Python's spelling, here it is outputDict)",
    );
    expect(() => precisionScore(yTrue, yPred, { beta: 2 } as object)).toThrow(
      "precision_score() got an unexpected keyword argument 'beta'",
    );
    expect(() => recallScore(yTrue, yPred, { zero_division: 0 } as object)).toThrow(
      /here it is zeroDivision\)$/,
    );
    expect(() => getEntities(yTrue[0]!, { sufix: true } as object)).toThrow(
      /^get_entities\(\) got .*'sufix'/,
    );
    expect(() => new Entities(yTrue, 'IOB2', { mode: 'strict' } as object)).toThrow(/^Entities\(\) got/);
    expect(() => autoDetect(yTrue, { scheme: 'IOB2' } as object)).toThrow(/^auto_detect\(\) got/);
    expect(() => computeSeqeval(yPred, yTrue, { outputDict: true } as object)).toThrow(/^compute\(\) got/);
  });

  it('takes the options each function has', () => {
    expect(f1Score(yTrue, yPred, { mode: 'strict', scheme: 'IOB2', zeroDivision: 0 })).toBeCloseTo(0.5);
    expect(precisionRecallFscoreSupport(yTrue, yPred, { beta: 2, average: 'micro' }).support).toBe(2);
    expect(typeof classificationReport(yTrue, yPred, { outputDict: true, sampleWeight: undefined })).toBe(
      'object',
    );
  });
});

describe('Seqeval.compute option names', () => {
  it('refuses a typo before touching the examples, so a corrected call scores them', async () => {
    const { Seqeval } = await import('./seqeval-metric.js');
    const metric = new Seqeval();
    metric.addBatch({ predictions: yPred, references: yTrue });
    expect(() => metric.compute({ shceme: 'IOB2' } as object)).toThrow(
      "Seqeval.compute() got an unexpected keyword argument 'shceme' (unknown option; did you mean scheme?)",
    );
    expect(metric.size).toBe(1);
    expect(metric.computeOptionNames).toContain('zeroDivision');
    expect(metric.compute({ scheme: 'IOB2', mode: 'strict' }).overall_f1).toBeCloseTo(0.5);
    expect(metric.size).toBe(0);
  });

  it('restores the examples when scoring throws, without keeping the last batch', async () => {
    const { Seqeval } = await import('./seqeval-metric.js');
    const metric = new Seqeval();
    metric.addBatch({ predictions: yPred, references: yTrue });
    expect(() => metric.compute({ predictions: yPred, references: yTrue, scheme: 'IOB9' as never })).toThrow(
      /Scheme should be one of/,
    );
    expect(metric.size).toBe(1);
    expect(metric.compute().overall_recall).toBeCloseTo(0.5);
  });
});
