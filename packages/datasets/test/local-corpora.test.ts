import { sharedPath } from '@ner/test-support';
import { describe, expect, it } from 'vitest';
import {
  type ClassLabel,
  CONLL2003_NER_NAMES,
  type Dataset,
  DatasetDict,
  formatWordsWithLabels,
  loadDataset,
  readConllWithReport,
  Sequence,
  WNUT17_NER_NAMES,
} from '../src/index.js';

// Expected counts come from ../shared/data/README.md; first rows from the Hugging Face course and dataset cards.
describe('CoNLL-2003 from ../shared/data', async () => {
  const raw = await loadDataset(sharedPath('data', 'conll2003'));
  const train = raw.get('train');

  it('has the Hub splits, row counts and columns', () => {
    expect(raw.keys()).toEqual(['train', 'validation', 'test']);
    expect(raw.numRows).toEqual({ train: 14041, validation: 3250, test: 3453 });
    expect(train.columnNames).toEqual(['id', 'tokens', 'pos_tags', 'chunk_tags', 'ner_tags']);
  });

  it('has 203621 / 51362 / 46435 tokens', () => {
    const tokens = (split: Dataset) =>
      split.column('tokens').reduce((sum: number, row) => sum + (row as string[]).length, 0);
    expect(tokens(train)).toBe(203621);
    expect(tokens(raw.get('validation'))).toBe(51362);
    expect(tokens(raw.get('test'))).toBe(46435);
  });

  it('first row is what the tutorial prints', () => {
    expect(train.get(0)).toEqual({
      id: '0',
      tokens: ['EU', 'rejects', 'German', 'call', 'to', 'boycott', 'British', 'lamb', '.'],
      pos_tags: [22, 42, 16, 21, 35, 37, 16, 21, 7],
      chunk_tags: [11, 21, 11, 12, 21, 22, 11, 12, 0],
      ner_tags: [3, 0, 7, 0, 0, 0, 7, 0, 0],
    });
  });

  it('ner_tags is List(ClassLabel) with the Hub label order', () => {
    const feature = train.features.get('ner_tags');
    expect(feature).toBeInstanceOf(Sequence);
    const label = (feature as Sequence).feature as ClassLabel;
    expect(label.names).toEqual([...CONLL2003_NER_NAMES]);
    expect(String(feature)).toBe(
      "List(ClassLabel(names=['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC']))",
    );
    expect(((train.features.get('pos_tags') as Sequence).feature as ClassLabel).numClasses).toBe(47);
    expect(((train.features.get('chunk_tags') as Sequence).feature as ClassLabel).numClasses).toBe(23);
  });

  it('counts entity starts like the README (PER 6600, LOC 7140, ORG 6321, MISC 3438)', () => {
    const counts = new Array<number>(9).fill(0);
    for (const tags of train.column('ner_tags') as number[][])
      for (const tag of tags) counts[tag] = (counts[tag] as number) + 1;
    expect({ PER: counts[1], ORG: counts[3], LOC: counts[5], MISC: counts[7] }).toEqual({
      PER: 6600,
      ORG: 6321,
      LOC: 7140,
      MISC: 3438,
    });
  });

  it('detects IOB2 and skips the 946 -DOCSTART- lines', async () => {
    const { report } = await readConllWithReport(sharedPath('data', 'conll2003', 'train.txt'));
    expect(report).toEqual({
      schemes: { chunk_tags: 'IOB2', ner_tags: 'IOB2' },
      docstarts: 946,
      tokens: 203621,
    });
  });

  it('prints like Python', () => {
    expect(raw.toString()).toBe(
      [
        'DatasetDict({',
        '    train: Dataset({',
        "        features: ['id', 'tokens', 'pos_tags', 'chunk_tags', 'ner_tags'],",
        '        num_rows: 14041',
        '    })',
        '    validation: Dataset({',
        "        features: ['id', 'tokens', 'pos_tags', 'chunk_tags', 'ner_tags'],",
        '        num_rows: 3250',
        '    })',
        '    test: Dataset({',
        "        features: ['id', 'tokens', 'pos_tags', 'chunk_tags', 'ner_tags'],",
        '        num_rows: 3453',
        '    })',
        '})',
      ].join('\n'),
    );
  });

  it('aligns words over labels as the tutorial does', () => {
    const row = train.get(0) as { tokens: string[]; ner_tags: number[] };
    const label = (train.features.get('ner_tags') as Sequence).feature as ClassLabel;
    expect(formatWordsWithLabels(row.tokens, row.ner_tags, label)).toBe(
      'EU    rejects German call to boycott British lamb . \nB-ORG O       B-MISC O    O  O       B-MISC  O    O ',
    );
  });

  it('one split only with {split}', async () => {
    const validation = await loadDataset(sharedPath('data', 'conll2003'), { split: 'validation' });
    expect(validation.numRows).toBe(3250);
  });
});

describe('WNUT-17 from ../shared/data', async () => {
  const raw = await loadDataset(sharedPath('data', 'wnut17'));

  it('has 3394 / 1009 / 1287 sentences and 62730 / 15733 / 23394 tokens', () => {
    expect(raw.numRows).toEqual({ train: 3394, validation: 1009, test: 1287 });
    const tokens = (split: string) =>
      raw
        .get(split)
        .column('tokens')
        .reduce((sum: number, row) => sum + (row as string[]).length, 0);
    expect([tokens('train'), tokens('validation'), tokens('test')]).toEqual([62730, 15733, 23394]);
    expect(raw.get('train').columnNames).toEqual(['id', 'tokens', 'ner_tags']);
  });

  it('has the 13 labels in Hub order', () => {
    const label = (raw.get('train').features.get('ner_tags') as Sequence).feature as ClassLabel;
    expect(label.names).toEqual([...WNUT17_NER_NAMES]);
    expect(label.numClasses).toBe(13);
  });

  it('a line of only a TAB ends a sentence (the original train file)', async () => {
    const { parseConll } = await import('../src/index.js');
    const { dataset } = parseConll('a\tO\nb\tB-person\n\t\nc\tO\n', 'wnut.txt', {
      columns: ['tokens', 'ner_tags'],
      separator: '\t',
    });
    expect(dataset.column('tokens')).toEqual([['a', 'b'], ['c']]);
  });
});

describe('sentiment from ../shared/data', async () => {
  const raw = await loadDataset(sharedPath('data', 'sentiment'));

  it('has text and label with the Hub ClassLabel order', () => {
    expect(raw).toBeInstanceOf(DatasetDict);
    expect(raw.numRows).toEqual({ train: 1839, validation: 324, test: 870 });
    const train = raw.get('train');
    expect(train.columnNames).toEqual(['text', 'label']);
    expect((train.features.get('label') as ClassLabel).names).toEqual(['positive', 'neutral', 'negative']);
    expect(String(train.features)).toBe(
      "{'text': Value('string'), 'label': ClassLabel(names=['positive', 'neutral', 'negative'])}",
    );
  });

  it('has 613 of each label in train and 290 in test', () => {
    const count = (split: string) => {
      const counts = [0, 0, 0];
      for (const label of raw.get(split).column('label') as number[])
        counts[label] = (counts[label] as number) + 1;
      return counts;
    };
    expect(count('train')).toEqual([613, 613, 613]);
    expect(count('validation')).toEqual([108, 108, 108]);
    expect(count('test')).toEqual([290, 290, 290]);
  });

  it('the original CSVs give the same rows (RFC 4180 parser against Python csv-made JSONL)', async () => {
    const csv = await loadDataset(sharedPath('data', 'sentiment', 'original'), { corpus: 'sentiment' });
    expect(csv.numRows).toEqual({ train: 1839, validation: 324, test: 870 });
    const fromCsv = csv.get('train');
    const fromJsonl = raw.get('train');
    expect(fromCsv.column('text')).toEqual(fromJsonl.column('text'));
    expect(fromCsv.column('label')).toEqual(fromJsonl.column('label'));
    expect(fromCsv.column('source').every((value) => value === 'sem_eval_2017')).toBe(true);
  });
});
