import { describe, expect, it } from 'vitest';
import { parseJsonl } from '../../src/index.js';
import { expectFormatError } from '../thrown-by.js';

describe('JSONL: nesting depth is bounded before parsing', () => {
  it('a value nested 5,000 deep is a DatasetFormatError naming file, line and the limit', () => {
    const deep = `{"x": ${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const text = `{"x": [[1]]}\n${deep}\n`;
    expectFormatError(() => parseJsonl(text, 'deep.jsonl'), {
      message: 'deep.jsonl:2: field "x": JSON nested deeper than 100 levels (option maxJsonDepth).',
    });
    // Brackets inside strings do not count, and the limit is an option.
    const fine = parseJsonl(`{"s": "${'['.repeat(500)}", "x": [[[1]]]}\n`, 'ok.jsonl', { maxJsonDepth: 4 });
    expect(fine.get(0)).toEqual({ s: '['.repeat(500), x: [[[1]]] });
    expect(() => parseJsonl('{"x": [[[[1]]]]}\n', 'four.jsonl', { maxJsonDepth: 4 })).toThrow(
      'four.jsonl:1: field "x": JSON nested deeper than 4 levels (option maxJsonDepth).',
    );
  });
});
