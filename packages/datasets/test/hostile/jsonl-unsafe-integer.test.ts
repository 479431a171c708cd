import { describe, expect, it } from 'vitest';
import { parseJsonl } from '../../src/index.js';
import { expectFormatError } from '../thrown-by.js';

describe('JSONL: integers a JavaScript number cannot hold', () => {
  it('2^53 + 1 is refused with file, line and field instead of being rounded', () => {
    const text = '{"id": 1, "tokens": ["a"]}\n{"id": 9007199254740993, "tokens": ["b"]}\n';
    expectFormatError(() => parseJsonl(text, 'big.jsonl'), {
      line: 2,
      message:
        'big.jsonl:2: field "id": integer 9007199254740993 is beyond ±(2^53 - 1) and would be rounded; write it as a string (or a float) instead.',
    });
    // The largest safe integers, long floats, and digits inside strings are all fine.
    const ok = parseJsonl(
      '{"a": 9007199254740991, "b": -9007199254740991, "c": 1.00000000000000000001, "d": "12345678901234567890", "e": 1e300}\n',
      'ok.jsonl',
    );
    expect(ok.get(0)).toEqual({
      a: 9007199254740991,
      b: -9007199254740991,
      c: 1,
      d: '12345678901234567890',
      e: 1e300,
    });
  });
});
