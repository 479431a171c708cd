import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '@ner/test-support';
import { describe, expect, it } from 'vitest';
import {
  type ClassLabel,
  DatasetFormatError,
  DatasetUsageError,
  loadDataset,
  planDataFiles,
} from '../src/index.js';
import { tempFolder } from './temp-folder.js';

describe('loadDataset on local files', () => {
  it('a single known-corpus file becomes its split, with the Hub labels', async () => {
    const raw = await loadDataset(sharedPath('data', 'wnut17', 'validation.txt'));
    expect(raw.keys()).toEqual(['validation']);
    expect(raw.get('validation').numRows).toBe(1009);
  });

  it('dataFiles picks files per split', async () => {
    const raw = await loadDataset(sharedPath('data', 'conll2003'), {
      dataFiles: { train: 'validation.txt', test: ['test.txt'] },
    });
    expect(raw.numRows).toEqual({ train: 3250, test: 3453 });
  });

  it('DatasetDict methods apply per split', async () => {
    const raw = await loadDataset(sharedPath('data', 'sentiment'));
    const short = raw
      .filter((row) => (row.text as string).length < 40)
      .map((row) => ({ n: (row.text as string).length }));
    for (const [, split] of short) expect(split.column('n').every((n) => (n as number) < 40)).toBe(true);
    expect(short.columnNames.train).toEqual(['text', 'label', 'n']);
    expect(raw.shuffle({ seed: 1 }).numRows).toEqual(raw.numRows);
    expect(() => raw.get('dev')).toThrow('No split "dev"; splits are [train, validation, test].');
  });

  it('an unknown folder: format by majority, splits by keyword, labels in first-seen order', async () => {
    const folder = tempFolder('ner-ds-local-');
    writeFileSync(join(folder, 'my_train.tsv'), 'text\tlabel\nhi\tb\nho\ta\n');
    writeFileSync(join(folder, 'my_dev.tsv'), 'text\tlabel\nhu\ta\n');
    writeFileSync(join(folder, 'notes.jsonl'), '{"x":1}\n');
    const raw = await loadDataset(folder);
    expect(raw.keys()).toEqual(['train', 'validation']);
    expect(raw.get('train').column('label')).toEqual(['b', 'a']);
    const conll = join(folder, 'conll');
    mkdirSync(conll);
    writeFileSync(join(conll, 'train.conll'), 'a B-X\nb I-X\n\nc O\n');
    const tagged = await loadDataset(conll, { split: 'train' });
    expect((tagged.features.get('ner_tags') as { feature: ClassLabel }).feature.names).toEqual([
      'B-X',
      'I-X',
      'O',
    ]);
  });

  it('bad input and missing paths are clear errors', async () => {
    const folder = tempFolder('ner-ds-bad-');
    writeFileSync(join(folder, 'train.jsonl'), '{"a": 1}\n{"a": \n');
    await expect(loadDataset(folder)).rejects.toThrow(DatasetFormatError);
    await expect(loadDataset('./no/such/folder')).rejects.toThrow(DatasetUsageError);
    const empty = tempFolder('ner-ds-empty-');
    await expect(loadDataset(empty)).rejects.toThrow(/has no data files/);
  });
});

describe('planDataFiles', () => {
  it('the parquet conversion layout and old-style names', () => {
    expect(
      planDataFiles(
        ['english/train/0000.parquet', 'english/validation/0000.parquet', 'french/train/0000.parquet'],
        {
          config: 'english',
          where: 'x',
        },
      ),
    ).toEqual({
      format: 'parquet',
      splits: { train: ['english/train/0000.parquet'], validation: ['english/validation/0000.parquet'] },
    });
    expect(() => planDataFiles(['a/train/0.parquet', 'b/train/0.parquet'], { where: 'repo' })).toThrow(
      'repo has several configurations [a, b]; pick one with the "name" option.',
    );
    expect(
      planDataFiles(
        [
          'data/train-00000-of-00002.parquet',
          'data/train-00001-of-00002.parquet',
          'data/test-00000-of-00001.parquet',
        ],
        { where: 'x' },
      ),
    ).toEqual({
      format: 'parquet',
      splits: {
        train: ['data/train-00000-of-00002.parquet', 'data/train-00001-of-00002.parquet'],
        test: ['data/test-00000-of-00001.parquet'],
      },
    });
  });
});
