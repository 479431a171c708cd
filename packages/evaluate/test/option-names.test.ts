// Each function and module refuses option names it does not take, as scikit-learn and evaluate
// raise `TypeError: f1_score() got an unexpected keyword argument` in Python, and says what was
// meant. A module keeps its examples when it refuses, so a corrected call scores them.
import { describe, expect, it } from 'vitest';
import * as evaluate from '../src/index.js';
import { confusionMatrixSvg, logHistorySeries, trainingCurveSvg } from '../src/plot/index.js';

const yTrue = [0, 1, 1, 0, 2];
const yPred = [0, 1, 0, 0, 2];

describe('function option names', () => {
  it("raises Python's TypeError, with the name meant", () => {
    const typo = () => evaluate.f1Score(yTrue, yPred, { averge: 'macro' } as object);
    expect(typo).toThrow(evaluate.EvaluateTypeError);
    expect(typo).toThrow(
      "f1_score() got an unexpected keyword argument 'averge' (unknown option; did you mean average?)",
    );
    try {
      typo();
    } catch (error) {
      expect((error as evaluate.EvaluateError).pythonType).toBe('TypeError');
    }
    expect(() => evaluate.accuracyScore(yTrue, yPred, { sample_weight: [1, 1, 1, 1, 1] } as object)).toThrow(
      "accuracy_score() got an unexpected keyword argument 'sample_weight' (unknown option; that is Python's spelling, here it is sampleWeight)",
    );
    expect(() => evaluate.precisionScore(yTrue, yPred, { beta: 2 } as object)).toThrow(
      /^precision_score\(\) got an unexpected keyword argument 'beta'/,
    );
    expect(() => evaluate.recallScore(yTrue, yPred, { warnFor: ['recall'] } as object)).toThrow(
      /^recall_score\(\) got .*'warnFor'/,
    );
    expect(() => evaluate.fbetaScore(yTrue, yPred, { beta: 2, normalize: true } as never)).toThrow(
      /^fbeta_score\(\) got .*'normalize'/,
    );
    expect(() =>
      evaluate.precisionRecallFscoreSupport(yTrue, yPred, { warn_for: ['recall'] } as object),
    ).toThrow(/here it is warnFor\)$/);
    expect(() => evaluate.confusionMatrix(yTrue, yPred, { average: 'macro' } as object)).toThrow(
      /^confusion_matrix\(\) got .*'average'/,
    );
    expect(() => evaluate.classificationReport(yTrue, yPred, { target_names: ['a'] } as object)).toThrow(
      /^classification_report\(\) got .*here it is targetNames\)$/,
    );
    expect(() => evaluate.accuracyScore(yTrue, yPred, null as never)).toThrow(
      'accuracy_score(): options must be an object, got null',
    );
  });

  it('asks for beta as Python does', () => {
    expect(() => evaluate.fbetaScore(yTrue, yPred, {} as never)).toThrow(
      "fbeta_score() missing 1 required keyword-only argument: 'beta'",
    );
    expect(evaluate.fbetaScore(yTrue, yPred, { beta: 1, average: 'micro' })).toBeCloseTo(0.8);
  });

  it('takes every option each function has', () => {
    expect(evaluate.accuracyScore(yTrue, yPred, { normalize: false, sampleWeight: undefined })).toBe(4);
    expect(
      evaluate.f1Score(yTrue, yPred, { average: 'micro', labels: [0, 1, 2], zeroDivision: 0 }),
    ).toBeCloseTo(0.8);
    expect(evaluate.confusionMatrix(yTrue, yPred, { labels: [0, 1], normalize: 'all' })).toEqual([
      [0.5, 0],
      [0.25, 0.25],
    ]);
  });

  it('checks the plot functions too', () => {
    expect(() => trainingCurveSvg([], { titel: 'x' } as object)).toThrow(
      /^trainingCurveSvg\(\) got .*'titel' \(unknown option; did you mean title\?\)/,
    );
    expect(() => logHistorySeries([], ['loss'], { y: 'epoch' } as object)).toThrow(
      /^logHistorySeries\(\) got/,
    );
    expect(() => confusionMatrixSvg([[1]], ['a'], { cell_size: 10 } as object)).toThrow(
      /here it is cellSize\)$/,
    );
  });
});

describe('module compute option names', () => {
  it('refuses a typo and keeps the examples', () => {
    const f1 = evaluate.load('f1');
    f1.addBatch({ predictions: yPred, references: yTrue });
    expect(() => f1.compute({ averge: 'macro' } as object)).toThrow(
      "f1.compute() got an unexpected keyword argument 'averge' (unknown option; did you mean average?)",
    );
    expect(f1.size).toBe(5);
    expect(f1.compute({ average: 'micro' }).f1).toBeCloseTo(0.8);
    expect(f1.size).toBe(0);
  });

  it('refuses an option of another module (accuracy has no average)', () => {
    const accuracy = evaluate.load('accuracy');
    expect(() =>
      accuracy.compute({ predictions: yPred, references: yTrue, average: 'macro' } as object),
    ).toThrow(/^accuracy\.compute\(\) got an unexpected keyword argument 'average'/);
    expect(accuracy.size).toBe(0);
  });

  it('is as before the call when scoring throws: examples kept, the last batch not', () => {
    const precision = evaluate.load('precision');
    precision.addBatch({ predictions: yPred, references: yTrue });
    expect(() => precision.compute({ predictions: [1], references: [1], average: 'bogus' as never })).toThrow(
      /average has to be one of/,
    );
    expect(precision.size).toBe(5);
    expect(precision.compute({ average: 'micro' }).precision).toBeCloseTo(0.8);
  });
});

describe('combine option names', () => {
  it('gives each module the options it takes', () => {
    const numeric = evaluate.combine(['accuracy', 'f1']);
    expect(
      numeric.compute({ predictions: yPred, references: yTrue, average: 'macro', normalize: false }),
    ).toEqual({
      accuracy: 4,
      f1: evaluate.f1Score(yTrue, yPred, { average: 'macro' }),
    });
  });

  it('refuses an option no module takes before any module computes', () => {
    const accuracy = evaluate.load('accuracy');
    const f1 = evaluate.load('f1');
    const metrics = evaluate.combine([accuracy, f1]);
    metrics.addBatch({ predictions: yPred, references: yTrue });
    expect(() => metrics.compute({ averag: 'macro' })).toThrow(
      "compute() got an unexpected keyword argument 'averag' (unknown option; did you mean average?)",
    );
    expect(accuracy.size).toBe(5);
    expect(f1.size).toBe(5);
    expect(() => metrics.compute({ scheme: 'IOB2' })).toThrow(/'scheme'/);
    const withSeqeval = evaluate.combine(['seqeval', 'accuracy']);
    withSeqeval.add({ prediction: 0, reference: 0 } as never);
    expect(() => withSeqeval.compute({ average: 'macro' })).toThrow(/'average' \(unknown option\)/);
  });

  it('a module that throws on a value keeps its examples, and the modules after it are untouched', () => {
    const f1 = evaluate.load('f1');
    const accuracy = evaluate.load('accuracy');
    const metrics = evaluate.combine([f1, accuracy]);
    metrics.addBatch({ predictions: yPred, references: yTrue });
    expect(() => metrics.compute({ predictions: [1], references: [1], average: 'bogus' as never })).toThrow(
      /average has to be one of/,
    );
    expect([f1.size, accuracy.size]).toEqual([5, 5]);
    const result = metrics.compute({ average: 'micro' });
    expect(result.f1).toBeCloseTo(0.8, 15);
    expect(result.accuracy).toBe(0.8);
  });

  it('hands everything to a module that does not list its options', () => {
    const seen: object[] = [];
    const custom = {
      name: 'custom',
      add() {},
      addBatch() {},
      compute(options?: object) {
        seen.push(options ?? {});
        return { custom: 1 };
      },
    };
    expect(
      evaluate.combine([custom, 'accuracy']).compute({ predictions: [1], references: [1], anything: 2 }),
    ).toEqual({ custom: 1, accuracy: 1 });
    // As evaluate's module.compute(predictions=..., references=..., **kwargs).
    expect(seen).toEqual([{ anything: 2, predictions: [1], references: [1] }]);
  });

  it('checks its own options', () => {
    expect(() => evaluate.combine(['f1'], { force_prefix: true } as object)).toThrow(
      "combine() got an unexpected keyword argument 'force_prefix' (unknown option; that is Python's spelling, here it is forcePrefix)",
    );
  });
});
