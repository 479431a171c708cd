// The result types follow `average`: a literal null gives arrays, a known
// average one number, an unknown one either (checked by tsc via expectTypeOf).
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as evaluate from '../src/index.js';

describe('result types', () => {
  it('follow average', () => {
    const yTrue = [0, 1, 2, 2];
    const yPred = [0, 2, 2, 1];
    expectTypeOf(evaluate.f1Score(yTrue, yPred, { average: 'macro' })).toEqualTypeOf<number>();
    expectTypeOf(evaluate.f1Score(yTrue, yPred, { average: null })).toEqualTypeOf<number[]>();
    const average = ((): evaluate.Average => null)();
    const either = evaluate.precisionScore(yTrue, yPred, { average });
    expectTypeOf(either).toEqualTypeOf<number | number[]>();
    expect(either).toEqual([1, 0, 0.5]);
    expectTypeOf(evaluate.fbetaScore(yTrue, yPred, { beta: 2, average: 'micro' })).toEqualTypeOf<number>();
    expectTypeOf(evaluate.precisionRecallFscoreSupport(yTrue, yPred).support).toEqualTypeOf<number[]>();
    expectTypeOf(
      evaluate.precisionRecallFscoreSupport(yTrue, yPred, { average: 'weighted' }).support,
    ).toEqualTypeOf<null>();
    expectTypeOf(evaluate.load('confusion_matrix').compute).returns.toEqualTypeOf<{
      confusion_matrix: number[][];
    }>();
  });
});
