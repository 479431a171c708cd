import { describe, expect, it } from 'vitest';
import { DatasetFormatError, parseConll } from '../../src/index.js';

const columns = ['tokens', 'ner_tags'];

/** The error `parseConll` throws for `text`, or undefined. */
function errorOf(text: string, file: string): unknown {
  try {
    parseConll(text, file, { columns });
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('CoNLL: tags are checked against the tag scheme', () => {
  it('X-ORG in an IOB2 column is an error at its file and line', () => {
    const error = errorOf('EU B-ORG\nrejects O\n\nBonn X-ORG\nsays O\n', 'x.conll');
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as DatasetFormatError).line).toBe(4);
    expect((error as Error).message).toBe(
      'x.conll:4: column ner_tags: tag "X-ORG" is neither "O" nor "B-TYPE"/"I-TYPE".',
    );
    // A tag without a type, and a prefix of another scheme, are refused the same way.
    expect(errorOf('a B-\n', 'e.conll')).toBeInstanceOf(DatasetFormatError);
    expect((errorOf('a B-PER\nb E-PER\nc U-LOC\n', 'mix.conll') as Error).message).toBe(
      'mix.conll:3: column ner_tags: tag "U-LOC" is neither "O" nor "B-TYPE"/"I-TYPE"/"E-TYPE"/"S-TYPE" (the column is IOBES).',
    );
    // The schemes themselves still read.
    const iobes = parseConll('a B-PER\nb E-PER\nc S-LOC\nd O\n', 'ok.conll', { columns });
    expect(iobes.report.schemes).toEqual({ ner_tags: 'IOBES' });
  });
});
