import { describe, expect, it } from 'vitest';
import { DatasetFormatError } from '../errors.js';
import type { ClassLabel, Sequence } from '../features.js';
import { detectTagScheme, iob1ToIob2 } from '../tag-scheme.js';
import { parseConll } from './conll.js';

// IOB1 as in the original Reuters eng.train: entities start with I- unless they follow one of the same type.
const IOB1 = [
  '-DOCSTART- -X- -X- O',
  '',
  'EU NNP I-NP I-ORG',
  'rejects VBZ I-VP O',
  'German JJ I-NP I-MISC',
  '',
  'Peter NNP I-NP I-PER',
  'Blackburn NNP I-NP I-PER',
  '',
].join('\n');

describe('CoNLL reader', () => {
  it('converts IOB1 to IOB2 and reports the detected scheme', () => {
    const { dataset, report } = parseConll(IOB1, 'eng.train');
    expect(report.schemes).toEqual({ chunk_tags: 'IOB1', ner_tags: 'IOB1' });
    expect(report.docstarts).toBe(1);
    const ner = (dataset.features.get('ner_tags') as Sequence).feature as ClassLabel;
    expect(dataset.column('ner_tags').map((ids) => ner.int2str(ids as number[]))).toEqual([
      ['B-ORG', 'O', 'B-MISC'],
      ['B-PER', 'I-PER'],
    ]);
    const chunk = (dataset.features.get('chunk_tags') as Sequence).feature as ClassLabel;
    expect(chunk.int2str(dataset.get(0).chunk_tags as number[])).toEqual(['B-NP', 'B-VP', 'B-NP']);
    // POS is not a tag column: its own ClassLabel in order of first appearance.
    expect(((dataset.features.get('pos_tags') as Sequence).feature as ClassLabel).names).toEqual([
      'NNP',
      'VBZ',
      'JJ',
    ]);
    expect(dataset.column('id')).toEqual(['0', '1']);
  });

  it("keeps IOB1 when tagScheme is 'keep'", () => {
    const { dataset } = parseConll(IOB1, 'eng.train', { tagScheme: 'keep' });
    const ner = (dataset.features.get('ner_tags') as Sequence).feature as ClassLabel;
    expect(ner.int2str(dataset.get(1).ner_tags as number[])).toEqual(['I-PER', 'I-PER']);
  });

  it('handles CRLF, trailing whitespace-only lines and a missing final newline', () => {
    const { dataset } = parseConll('a O\r\nb B-X\r\n \t \r\nc I-X', 'x.txt', {
      columns: ['tokens', 'ner_tags'],
    });
    expect(dataset.column('tokens')).toEqual([['a', 'b'], ['c']]);
  });

  it('names file and line for a wrong column count, an unknown label and a malformed tag', () => {
    const bad = 'EU NNP B-NP B-ORG\nrejects VBZ B-VP\n';
    expect(() => parseConll(bad, 'train.txt')).toThrow(
      'train.txt:2: expected 4 columns (tokens, pos_tags, chunk_tags, ner_tags), found 3',
    );
    const unknown = 'a O\nb B-FOO\n';
    const error = (() => {
      try {
        parseConll(unknown, 'w.txt', {
          columns: ['tokens', 'ner_tags'],
          labelNames: { ner_tags: ['O', 'B-PER', 'I-PER'] },
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as DatasetFormatError).line).toBe(2);
    expect((error as Error).message).toContain('w.txt:2: column ner_tags: unknown label "B-FOO"');
    expect(() => parseConll('a O\n\nb PER\n', 'n.txt', { columns: ['tokens', 'ner_tags'] })).toThrow(
      'n.txt:3: column ner_tags: tag "PER" is neither "O" nor "B-TYPE"/"I-TYPE"',
    );
  });

  it('bounds sentence length and line length', () => {
    const long = `${Array.from({ length: 5 }, () => 'a O').join('\n')}\n`;
    expect(() =>
      parseConll(long, 'l.txt', { columns: ['tokens', 'ner_tags'], maxTokensPerSentence: 4 }),
    ).toThrow(/l\.txt:5: sentence longer than 4/);
    expect(() => parseConll('aaaaaaaaaa O\n', 'l.txt', { maxLineChars: 5 })).toThrow(
      /l\.txt:1: line is 12 characters/,
    );
  });
});

describe('tag schemes', () => {
  it('detects IOB1, IOB2, IOBES, BILOU', () => {
    expect(detectTagScheme([['B-PER', 'I-PER', 'O']])).toBe('IOB2');
    expect(detectTagScheme([['I-PER', 'I-PER', 'B-PER']])).toBe('IOB1');
    expect(detectTagScheme([['S-PER', 'B-LOC', 'E-LOC']])).toBe('IOBES');
    expect(detectTagScheme([['U-PER']])).toBe('BILOU');
    expect(detectTagScheme([['O', 'O']])).toBe('none');
  });

  it('iob1ToIob2 starts every entity with B-', () => {
    expect(iob1ToIob2(['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC', 'I-ORG'])).toEqual([
      'B-PER',
      'I-PER',
      'B-PER',
      'O',
      'B-LOC',
      'B-ORG',
    ]);
  });
});
