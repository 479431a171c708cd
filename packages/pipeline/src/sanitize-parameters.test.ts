import { describe, expect, it } from 'vitest';
import { InvalidPipelineOptionError } from './errors.js';
import { sanitizeTokenClassificationParameters } from './sanitize-parameters.js';

const fast = { isFast: true, modelMaxLength: 512 };

describe('sanitizeTokenClassificationParameters', () => {
  it('accepts stride without an explicit strategy (Python only rejects an explicit "none")', () => {
    expect(sanitizeTokenClassificationParameters({ stride: 4 }, fast).preprocess.tokenizerParams).toEqual({
      returnOverflowingTokens: true,
      padding: true,
      stride: 4,
    });
  });
  it('rejects stride with a slow tokenizer and a negative stride', () => {
    expect(() =>
      sanitizeTokenClassificationParameters(
        { aggregationStrategy: 'simple', stride: 2 },
        { ...fast, isFast: false },
      ),
    ).toThrow(/slow tokenizer/);
    expect(() => sanitizeTokenClassificationParameters({ stride: -1 }, fast)).toThrow(
      InvalidPipelineOptionError,
    );
  });
  it('reports deprecated flags', () => {
    const r = sanitizeTokenClassificationParameters({ groupedEntities: true }, fast);
    expect(r.postprocess.aggregationStrategy).toBe('simple');
    expect(r.warnings).toHaveLength(1);
  });
});
