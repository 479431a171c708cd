// evaluate-style modules: load / add / addBatch / compute / combine, with values
// scikit-learn 1.2.1 gives for the same inputs (computed once in Python, written here).
import { describe, expect, it } from 'vitest';
import * as evaluate from '../src/index.js';

describe('load', () => {
  it('returns a fresh module of the named class', () => {
    expect(evaluate.load('accuracy')).toBeInstanceOf(evaluate.Accuracy);
    expect(evaluate.load('precision')).toBeInstanceOf(evaluate.Precision);
    expect(evaluate.load('recall')).toBeInstanceOf(evaluate.Recall);
    expect(evaluate.load('f1')).toBeInstanceOf(evaluate.F1);
    expect(evaluate.load('confusion_matrix')).toBeInstanceOf(evaluate.ConfusionMatrix);
    expect(evaluate.load('f1')).not.toBe(evaluate.load('f1'));
    expect(evaluate.MODULE_NAMES).toEqual([
      'accuracy',
      'precision',
      'recall',
      'f1',
      'confusion_matrix',
      'seqeval',
    ]);
  });

  it('delegates seqeval to @ner/seqeval', () => {
    const seqeval = evaluate.load('seqeval');
    seqeval.addBatch({ predictions: [['B-PER', 'O', 'B-LOC']], references: [['B-PER', 'O', 'B-ORG']] });
    const result = seqeval.compute();
    expect(result.overall_precision).toBe(0.5);
    expect(result.overall_recall).toBe(0.5);
    expect(result.PER).toEqual({ precision: 1, recall: 1, f1: 1, number: 1 });
  });

  it('names what it has when the name is unknown', () => {
    expect(() => evaluate.load('bleu' as never)).toThrow(
      /unknown evaluation module "bleu".*accuracy, precision/,
    );
    expect(() => evaluate.load('constructor' as never)).toThrow(evaluate.EvaluateValueError);
  });
});

describe('EvaluationModule', () => {
  it('accumulates add and addBatch, computes once, then starts empty', () => {
    const accuracy = evaluate.load('accuracy');
    accuracy.add({ prediction: 0, reference: 0 });
    accuracy.addBatch({ predictions: [1, 1], references: [1, 0] });
    expect(accuracy.size).toBe(3);
    expect(accuracy.compute()).toEqual({ accuracy: 0.6666666666666666 });
    expect(accuracy.size).toBe(0);
    expect(() => accuracy.compute()).toThrow(/found no examples/);
  });

  it('takes a last batch and options in compute, like evaluate', () => {
    const f1 = evaluate.load('f1');
    f1.addBatch({ predictions: [0], references: [0] });
    const warnings: evaluate.EvaluateWarning[] = [];
    const result = f1.compute({
      predictions: Int32Array.from([2, 1]),
      references: [1, 1],
      average: 'macro',
      onWarning: (w) => warnings.push(w),
    });
    expect(result).toEqual({ f1: 0.5555555555555555 });
    // Label 2 is predicted but never true: its recall is 0/0, but f1 warns only
    // when precision and recall are both undefined (scikit-learn's warn_for).
    expect(warnings).toEqual([]);
    const recallWarnings: evaluate.EvaluateWarning[] = [];
    evaluate.load('recall').compute({
      predictions: [2, 1, 0],
      references: [1, 1, 0],
      average: 'macro',
      onWarning: (w) => recallWarnings.push(w),
    });
    expect(recallWarnings.map((w) => w.message)).toEqual([
      'Recall is ill-defined and being set to 0.0 in labels with no true samples. ' +
        'Use `zeroDivision` option to control this behavior.',
    ]);
  });

  it('scores binary string labels with posLabel, and per label with average null', () => {
    const references = ['neg', 'pos', 'pos', 'neg'];
    const predictions = ['neg', 'pos', 'neg', 'neg'];
    expect(evaluate.load('precision').compute({ predictions, references, posLabel: 'pos' })).toEqual({
      precision: 1,
    });
    expect(evaluate.load('recall').compute({ predictions, references, posLabel: 'pos' })).toEqual({
      recall: 0.5,
    });
    const refs = [0, 1, 2, 0, 1, 2];
    const preds = [0, 2, 1, 0, 0, 1];
    expect(evaluate.load('f1').compute({ predictions: preds, references: refs, average: null })).toEqual({
      f1: [0.8, 0, 0],
    });
    // evaluate returns float(score) when there is one score.
    expect(
      evaluate.load('f1').compute({ predictions: preds, references: refs, average: null, labels: [0] }),
    ).toEqual({
      f1: 0.8,
    });
  });

  it('computes the confusion matrix with references as rows', () => {
    const cm = evaluate.load('confusion_matrix').compute({
      references: [2, 0, 2, 2, 0, 1],
      predictions: [0, 0, 2, 2, 0, 2],
      normalize: 'true',
    });
    expect(cm.confusion_matrix).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [1 / 3, 0, 2 / 3],
    ]);
  });

  it('rejects a batch whose lengths differ, keeping what was added', () => {
    const accuracy = evaluate.load('accuracy');
    accuracy.add({ prediction: 1, reference: 1 });
    expect(() => accuracy.addBatch({ predictions: [1, 0], references: [1] })).toThrow(
      /accuracy.addBatch: 2 predictions but 1 references/,
    );
    expect(accuracy.size).toBe(1);
  });
});

describe('combine', () => {
  it('merges the results of several modules fed the same examples', () => {
    const metrics = evaluate.combine(['accuracy', 'f1']);
    metrics.add({ prediction: 0, reference: 0 });
    expect(metrics.compute({ predictions: [1, 0], references: [1, 1] })).toEqual({
      accuracy: 0.6666666666666666,
      f1: 0.6666666666666666,
    });
  });

  it('gives each module the options it takes (weighted F1 next to accuracy)', () => {
    const metrics = evaluate.combine([evaluate.load('accuracy'), 'f1', 'precision']);
    const result = metrics.compute({
      predictions: [0, 2, 1, 0, 0, 1],
      references: [0, 1, 2, 0, 1, 2],
      average: 'weighted',
    });
    expect(result).toEqual({ accuracy: 1 / 3, f1: 0.26666666666666666, precision: 0.2222222222222222 });
  });

  it("prefixes colliding keys with module names, as evaluate's _merge_results does", () => {
    // evaluate: combine(["f1", "f1"]).compute(...) == {"f1_0_f1": ..., "f1_1_f1": ...}
    expect(evaluate.combine(['f1', 'f1']).compute({ predictions: [1], references: [1] })).toEqual({
      f1_0_f1: 1,
      f1_1_f1: 1,
    });
    const precision = { name: 'other', add() {}, addBatch() {}, compute: () => ({ precision: 0.25 }) };
    expect(
      evaluate
        .combine(['precision', precision, 'accuracy'])
        .compute({ predictions: [1, 0], references: [1, 1] }),
    ).toEqual({ precision_precision: 1, other_precision: 0.25, accuracy: 0.5 });
    // An object names its modules, as evaluate's combine({"name": module}) does.
    expect(
      evaluate.combine({ first: 'f1', second: 'f1' }).compute({ predictions: [1, 0], references: [1, 1] }),
    ).toEqual({ first_f1: 0.6666666666666666, second_f1: 0.6666666666666666 });
    expect(() => evaluate.combine({})).toThrow('combine: no evaluation modules given');
    expect(
      evaluate
        .combine(['f1', 'accuracy'], { forcePrefix: true })
        .compute({ predictions: [1, 0], references: [1, 1] }),
    ).toEqual({ f1_f1: 0.6666666666666666, accuracy_accuracy: 0.5 });
  });
});
