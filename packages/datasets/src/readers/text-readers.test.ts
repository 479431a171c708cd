import { describe, expect, it } from 'vitest';
import { ClassLabel, Features, Value } from '../features.js';
import { parseCsv, parseCsvRecords } from './csv.js';
import { parseJsonl } from './jsonl.js';

describe('CSV (RFC 4180)', () => {
  it('quoted separators, doubled quotes, line breaks in quotes, CRLF', () => {
    const text = 'text,label\r\n"a, b",1\r\n"say ""hi""",2\r\n"two\nlines",3\r\n';
    const records = parseCsvRecords(text, 'x.csv');
    expect(records.map((r) => r.fields)).toEqual([
      ['text', 'label'],
      ['a, b', '1'],
      ['say "hi"', '2'],
      ['two\nlines', '3'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4]);
    const dataset = parseCsv(text, 'x.csv');
    expect(dataset.column('label')).toEqual([1, 2, 3]);
    expect(String(dataset.features)).toBe("{'text': Value('string'), 'label': Value('int64')}");
  });

  it('TSV, empty fields as null, and ClassLabel names', () => {
    const features = new Features({
      text: new Value('string'),
      label: new ClassLabel({ names: ['positive', 'neutral', 'negative'] }),
    });
    const dataset = parseCsv('text\tlabel\nok\tneutral\n\tnegative\n', 'x.tsv', {
      delimiter: '\t',
      features,
    });
    expect(dataset.column('label')).toEqual([1, 2]);
    expect(dataset.column('text')).toEqual(['ok', null]);
  });

  it('errors name file and line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'f.csv')).toThrow('f.csv:3: expected 2 fields (a, b), found 1');
    expect(() => parseCsv('a,b\n"open,2\n', 'f.csv')).toThrow('f.csv:2: a quoted field is never closed');
    const features = new Features({ label: new ClassLabel({ names: ['x'] }) });
    expect(() => parseCsv('label\nx\ny\n', 'f.csv', { features })).toThrow(
      /f\.csv:3: Label 'y' is not one of/,
    );
  });
});

describe('JSON Lines', () => {
  it('columns in order of first appearance, missing keys null, blank lines skipped', () => {
    const dataset = parseJsonl('{"a":1}\n\n{"b":"x","a":2}\n', 'x.jsonl');
    expect(dataset.columnNames).toEqual(['a', 'b']);
    expect(dataset.column('b')).toEqual([null, 'x']);
  });

  it('bad JSON and bad labels name the line', () => {
    expect(() => parseJsonl('{"a":1}\n{"a":\n', 'x.jsonl')).toThrow(/^x\.jsonl:2: not valid JSON/);
    expect(() => parseJsonl('[1]\n', 'x.jsonl')).toThrow('x.jsonl:1: expected a JSON object per line');
    const features = new Features({ label: new ClassLabel({ names: ['pos', 'neg'] }) });
    expect(() => parseJsonl('{"label":"pos"}\n{"label":"meh"}\n', 'x.jsonl', { features })).toThrow(
      /x\.jsonl:2: Label 'meh'/,
    );
    expect(() => parseJsonl('{"label":5}\n', 'x.jsonl', { features })).toThrow(
      /x\.jsonl:1: column "label": 5 is not a class id/,
    );
  });
});
