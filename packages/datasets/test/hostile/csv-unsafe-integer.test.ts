import { describe, expect, it } from 'vitest';
import { DatasetFormatError, Features, parseCsv, Value } from '../../src/index.js';
import { thrownBy } from '../thrown-by.js';

describe('CSV: integers a JavaScript number cannot hold', () => {
  it('a 19-digit id column is an error naming file, line and column, and loads as text when asked', () => {
    const text = 'id,text\n1,a\n1234567890123456789,b\n';
    const error = thrownBy(() => parseCsv(text, 'ids.csv'));
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as DatasetFormatError).line).toBe(3);
    expect((error as Error).message).toBe(
      `ids.csv:3: column "id": integer 1234567890123456789 is beyond ±(2^53 - 1) and would be rounded; give this column Value('string') in features to keep it as text.`,
    );
    const features = new Features({ id: new Value('string'), text: new Value('string') });
    expect(parseCsv(text, 'ids.csv', { features }).column('id')).toEqual(['1', '1234567890123456789']);
    expect(() =>
      parseCsv(text, 'ids.csv', {
        features: new Features({ id: new Value('int64'), text: new Value('string') }),
      }),
    ).toThrow('ids.csv:3: column "id": integer 1234567890123456789 is beyond');
  });
});
