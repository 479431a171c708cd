import { describe, expect, it } from 'vitest';
import { Features, parseCsv, Value } from '../../src/index.js';
import { expectFormatError } from '../thrown-by.js';

describe('CSV: integers a JavaScript number cannot hold', () => {
  it('a 19-digit id column is an error naming file, line and column, and loads as text when asked', () => {
    const text = 'id,text\n1,a\n1234567890123456789,b\n';
    expectFormatError(() => parseCsv(text, 'ids.csv'), {
      line: 3,
      message: `ids.csv:3: column "id": integer 1234567890123456789 is beyond ±(2^53 - 1) and would be rounded; give this column Value('string') in features to keep it as text.`,
    });
    const features = new Features({ id: new Value('string'), text: new Value('string') });
    expect(parseCsv(text, 'ids.csv', { features }).column('id')).toEqual(['1', '1234567890123456789']);
    expect(() =>
      parseCsv(text, 'ids.csv', {
        features: new Features({ id: new Value('int64'), text: new Value('string') }),
      }),
    ).toThrow('ids.csv:3: column "id": integer 1234567890123456789 is beyond');
  });
});
