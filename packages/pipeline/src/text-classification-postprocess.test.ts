import { describe, expect, it } from 'vitest';
import {
  defaultClassificationFunction,
  postprocessTextClassification,
} from './text-classification-postprocess.js';

const config = { id2label: ['negative', 'neutral', 'positive'], numLabels: 3 };

describe('postprocessTextClassification', () => {
  it('legacy answer: best label and its softmax probability', () => {
    // softmax([0, 0, ln 2]) = [1/4, 1/4, 1/2]
    expect(postprocessTextClassification([0, 0, Math.log(2)], config)).toEqual({
      label: 'positive',
      score: 0.5,
    });
  });
  it('topK sorts by score, stable on ties; null returns all', () => {
    expect(postprocessTextClassification([0, 0, Math.log(2)], config, { topK: 2 })).toEqual([
      { label: 'positive', score: 0.5 },
      { label: 'negative', score: 0.25 },
    ]);
    expect(postprocessTextClassification([0, 0, Math.log(2)], config, { topK: null })).toHaveLength(3);
  });
  it('sigmoid and none', () => {
    expect(
      postprocessTextClassification([0, 2], config, { functionToApply: 'sigmoid', topK: null })[1],
    ).toEqual({
      label: 'negative',
      score: 0.5,
    });
    expect(postprocessTextClassification([1.5, -1], config, { functionToApply: 'none' })).toEqual({
      label: 'negative',
      score: 1.5,
    });
  });
  it('defaults follow problem_type and num_labels', () => {
    expect(defaultClassificationFunction({ ...config, problemType: 'multi_label_classification' })).toBe(
      'sigmoid',
    );
    expect(defaultClassificationFunction({ id2label: ['LABEL_0'], numLabels: 1 })).toBe('sigmoid');
    expect(defaultClassificationFunction(config)).toBe('softmax');
  });
});
