import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveFiles } from '@ner/hub';
import { startFakeHub } from '@ner/hub/testing';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import {
  type ClassLabel,
  DatasetFormatError,
  loadDataset,
  readParquet,
  type Sequence,
} from '../src/index.js';
import { tempFolder } from './temp-folder.js';

const NER_NAMES = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];

// The `huggingface` metadata as datasets 2.x writes it (Sequence form) for a CoNLL-like dataset.
const HF_METADATA = JSON.stringify({
  info: {
    features: {
      id: { dtype: 'string', _type: 'Value' },
      tokens: { feature: { dtype: 'string', _type: 'Value' }, length: -1, _type: 'Sequence' },
      ner_tags: { feature: { names: NER_NAMES, _type: 'ClassLabel' }, length: -1, _type: 'Sequence' },
    },
  },
});

/** A small parquet file shaped like the Hub's conversion of a NER dataset (lists as 3-level LIST groups). */
function nerParquet(
  rows: { id: string; tokens: string[]; ner_tags: number[] }[],
  metadata = HF_METADATA,
): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: rows.map((row) => row.id) },
      { name: 'tokens', data: rows.map((row) => row.tokens) },
      { name: 'ner_tags', data: rows.map((row) => row.ner_tags.map(BigInt)) },
    ],
    schema: [
      { name: 'root', num_children: 3 },
      { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'tokens', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'ner_tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'INT64', repetition_type: 'OPTIONAL' },
    ],
    kvMetadata: [{ key: 'huggingface', value: metadata }],
  });
  return new Uint8Array(buffer);
}

const TRAIN = [
  { id: '0', tokens: ['EU', 'rejects', 'German', 'call'], ner_tags: [3, 0, 7, 0] },
  { id: '1', tokens: ['Peter', 'Blackburn'], ner_tags: [1, 2] },
  { id: '2', tokens: ['BRUSSELS'], ner_tags: [5] },
];
const TEST = [{ id: '0', tokens: ['Japan', 'wins'], ner_tags: [5, 0] }];

describe('parquet with huggingface metadata', () => {
  it('reads ClassLabel names from the metadata and int64 lists as numbers', async () => {
    const path = join(tempFolder('ner-pq-'), 'train.parquet');
    writeFileSync(path, nerParquet(TRAIN));
    const dataset = await readParquet(path);
    expect(dataset.numRows).toBe(3);
    expect(dataset.columnNames).toEqual(['id', 'tokens', 'ner_tags']);
    expect(dataset.get(0)).toEqual(TRAIN[0]);
    expect(String(dataset.features.get('ner_tags'))).toBe(
      `List(ClassLabel(names=${JSON.stringify(NER_NAMES).replaceAll('"', "'").replaceAll(',', ', ')}))`,
    );
    expect(((dataset.features.get('ner_tags') as Sequence).feature as ClassLabel).int2str(3)).toBe('B-ORG');
  });

  it('a label outside the ClassLabel is an error naming the file', async () => {
    const path = join(tempFolder('ner-pq-'), 'bad.parquet');
    writeFileSync(path, nerParquet([{ id: '0', tokens: ['x'], ner_tags: [9] }]));
    const error = await readParquet(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as Error).message).toMatch(/bad\.parquet.*ner_tags.*9 is not a class id/);
  });

  it('a file that is not parquet is an error naming it', async () => {
    const path = join(tempFolder('ner-pq-'), 'junk.parquet');
    writeFileSync(path, 'not parquet at all');
    await expect(readParquet(path)).rejects.toThrow(/junk\.parquet: not a readable parquet file/);
  });
});

describe('a dataset and a model from a local Hub-like server, then from the cache', () => {
  it('loads both through the real client, and again with the server stopped', async () => {
    const hub = await startFakeHub([
      {
        repoId: 'org/tiny-ner',
        repoType: 'dataset',
        revisions: {
          // A script dataset: main has no data files, the parquet conversion has them.
          main: { 'tiny-ner.py': '# loading script\n', 'README.md': '# tiny\n' },
          'refs/convert/parquet': {
            'default/train/0000.parquet': { content: nerParquet(TRAIN), lfs: true },
            'default/test/0000.parquet': { content: nerParquet(TEST), lfs: true },
          },
        },
      },
      {
        repoId: 'org/tiny-model',
        revisions: {
          main: {
            'config.json': '{"model_type": "bert"}',
            'model.safetensors': { content: 'weights', lfs: true },
          },
        },
      },
    ]);
    const cacheDir = tempFolder('ner-ds-cache-');
    const options = { cacheDir, endpoint: hub.endpoint, token: false as const, retry: { attempts: 1 } };
    let raw = await loadDataset('org/tiny-ner', options);
    const model = await resolveFiles('org/tiny-model', ['config.json', 'model.safetensors'], options);
    expect(raw.keys()).toEqual(['train', 'test']);
    expect(raw.numRows).toEqual({ train: 3, test: 1 });
    expect(raw.get('train').get(0)).toEqual(TRAIN[0]);
    expect(((raw.get('test').features.get('ner_tags') as Sequence).feature as ClassLabel).names).toEqual(
      NER_NAMES,
    );
    expect(readFileSync(model[0] as string, 'utf8')).toBe('{"model_type": "bert"}');
    expect(
      hub.requests.some(
        (r) =>
          r.url.includes('/resolve/refs%2Fconvert%2Fparquet/') ||
          /resolve\/[0-9a-f]{40}\/default/.test(r.url),
      ),
    ).toBe(true);

    await hub.close();
    raw = await loadDataset('org/tiny-ner', options);
    expect(raw.numRows).toEqual({ train: 3, test: 1 });
    expect(raw.get('train').column('tokens')).toEqual(TRAIN.map((row) => row.tokens));
    const again = await resolveFiles('org/tiny-model', ['config.json', 'model.safetensors'], options);
    expect(again).toEqual(model);
    const offline = await loadDataset('org/tiny-ner', { ...options, localFilesOnly: true, split: 'test' });
    expect(offline.get(0)).toEqual(TEST[0]);
  });

  it('picks a configuration by name at revision convert/parquet (like tyqiangz/multilingual-sentiments, english)', async () => {
    const sentiment = (texts: string[], labels: number[]) =>
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'text', data: texts, type: 'STRING' },
            { name: 'source', data: texts.map(() => 'sem_eval_2017'), type: 'STRING' },
            { name: 'label', data: labels.map(BigInt), type: 'INT64' },
          ],
          kvMetadata: [
            {
              key: 'huggingface',
              value: JSON.stringify({
                info: {
                  features: {
                    text: { dtype: 'string', _type: 'Value' },
                    source: { dtype: 'string', _type: 'Value' },
                    label: { names: ['positive', 'neutral', 'negative'], _type: 'ClassLabel' },
                  },
                },
              }),
            },
          ],
        }),
      );
    const hub = await startFakeHub([
      {
        repoId: 'org/multi-sentiment',
        repoType: 'dataset',
        revisions: {
          main: { 'multi.py': '# script\n' },
          'refs/convert/parquet': {
            'english/train/0000.parquet': sentiment(['good', 'meh', 'bad'], [0, 1, 2]),
            'english/test/0000.parquet': sentiment(['fine'], [0]),
            'french/train/0000.parquet': sentiment(['bien'], [0]),
          },
        },
      },
    ]);
    try {
      const options = {
        cacheDir: tempFolder('ner-ds-'),
        endpoint: hub.endpoint,
        token: false as const,
      };
      const english = await loadDataset('org/multi-sentiment', {
        ...options,
        name: 'english',
        revision: 'convert/parquet',
      });
      expect(english.numRows).toEqual({ train: 3, test: 1 });
      const train = english.get('train');
      expect(String(train.features)).toBe(
        "{'text': Value('string'), 'source': Value('string'), 'label': ClassLabel(names=['positive', 'neutral', 'negative'])}",
      );
      expect(train.column('label')).toEqual([0, 1, 2]);
      await expect(loadDataset('org/multi-sentiment', options)).rejects.toThrow(
        /several configurations \[english, french\]/,
      );
    } finally {
      await hub.close();
    }
  });

  it('a missing dataset repo is a clear error', async () => {
    const hub = await startFakeHub([]);
    try {
      await expect(
        loadDataset('org/none', {
          cacheDir: tempFolder('ner-ds-'),
          endpoint: hub.endpoint,
          token: false,
        }),
      ).rejects.toThrow(/dataset repo "org\/none" not found/i);
    } finally {
      await hub.close();
    }
  });
});
