import { describe, expect, it } from 'vitest';
import { Dataset, splitSizes } from './dataset.js';
import { ClassLabel, Features, Sequence, Value } from './features.js';

const label = new ClassLabel({ names: ['O', 'B-PER', 'I-PER'] });
const features = new Features({
  id: new Value('string'),
  tokens: new Sequence(new Value('string')),
  ner_tags: new Sequence(label),
});
const ten = Dataset.fromColumns(
  {
    id: Array.from({ length: 10 }, (_, i) => String(i)),
    tokens: Array.from({ length: 10 }, (_, i) => Array.from({ length: (i % 3) + 1 }, (_, k) => `w${i}.${k}`)),
    ner_tags: Array.from({ length: 10 }, (_, i) =>
      Array.from({ length: (i % 3) + 1 }, (_, k) => (i + k) % 3),
    ),
  },
  { features },
);

describe('Dataset', () => {
  it('rows, columns, iteration, negative index', () => {
    expect(ten.numRows).toBe(10);
    expect(ten.columnNames).toEqual(['id', 'tokens', 'ner_tags']);
    expect(ten.get(1)).toEqual({ id: '1', tokens: ['w1.0', 'w1.1'], ner_tags: [1, 2] });
    expect(ten.get(-1).id).toBe('9');
    expect([...ten].length).toBe(10);
    expect(() => ten.get(10)).toThrow(/out of range/);
    expect(() => ten.column('nope')).toThrow(/columns are \[id, tokens, ner_tags\]/);
    expect(ten.slice(0, 2)).toEqual({
      id: ['0', '1'],
      tokens: [['w0.0'], ['w1.0', 'w1.1']],
      ner_tags: [[0], [1, 2]],
    });
  });

  it('fromColumns checks values against features', () => {
    expect(() => Dataset.fromColumns({ id: ['0'], tokens: [['a']], ner_tags: [[7]] }, { features })).toThrow(
      'column "ner_tags", row 0[0]: 7 is not a class id',
    );
  });

  it('shuffle(seed) gives numpy default_rng(seed).permutation order', () => {
    // numpy 2.4.6: np.random.default_rng(42).permutation(10) == [5 6 0 7 3 2 4 9 1 8]
    expect(ten.shuffle({ seed: 42 }).column('id')).toEqual([
      '5',
      '6',
      '0',
      '7',
      '3',
      '2',
      '4',
      '9',
      '1',
      '8',
    ]);
    expect(ten.shuffle({ seed: 42 }).column('id')).toEqual(ten.shuffle({ seed: 42 }).column('id'));
    expect(ten.shuffle({ seed: 1 }).column('id')).not.toEqual(ten.shuffle({ seed: 42 }).column('id'));
    expect(String(ten.shuffle({ seed: 42 }).features)).toBe(String(features));
  });

  it('trainTestSplit follows train_test_split (test = first ceil(n*testSize) of the permutation)', () => {
    const split = ten.trainTestSplit({ testSize: 0.2, seed: 42 });
    expect(split.get('test').column('id')).toEqual(['5', '6']);
    expect(split.get('train').column('id')).toEqual(['0', '7', '3', '2', '4', '9', '1', '8']);
    const ordered = ten.trainTestSplit({ testSize: 3, shuffle: false });
    expect(ordered.get('train').column('id')).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(ordered.get('test').column('id')).toEqual(['7', '8', '9']);
    expect(splitSizes(14041, 0.1, undefined)).toEqual({ nTrain: 12636, nTest: 1405 });
    expect(splitSizes(10, undefined, 0.75)).toEqual({ nTrain: 7, nTest: 3 });
    expect(splitSizes(10, undefined, undefined)).toEqual({ nTrain: 7, nTest: 3 });
    expect(() => ten.trainTestSplit({ testSize: 10 })).toThrow(/testSize=10/);
  });

  it('map merges rows; returned columns get inferred features; removeColumns drops inputs', () => {
    const mapped = ten.map((row) => ({ length: (row.tokens as string[]).length }), {
      removeColumns: 'tokens',
    });
    expect(mapped.columnNames).toEqual(['id', 'ner_tags', 'length']);
    expect(mapped.column('length')).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1]);
    expect(String(mapped.features)).toBe(
      "{'id': Value('string'), 'ner_tags': List(ClassLabel(names=['O', 'B-PER', 'I-PER'])), 'length': Value('int64')}",
    );
    const upper = ten.map((row) => ({ id: `#${row.id}` }));
    expect(upper.columnNames).toEqual(['id', 'tokens', 'ner_tags']);
    expect(upper.get(0).id).toBe('#0');
    expect(ten.map(() => undefined).column('id')).toEqual(ten.column('id'));
  });

  it('batched map can change the row count when inputs are removed', () => {
    const exploded = ten.map((batch) => ({ token: (batch.tokens as string[][]).flat() }), {
      batched: true,
      batchSize: 4,
      removeColumns: ['id', 'tokens', 'ner_tags'],
    });
    expect(exploded.numRows).toBe(19);
    expect(exploded.column('token').slice(0, 3)).toEqual(['w0.0', 'w1.0', 'w1.1']);
    expect(() =>
      ten.map((batch) => ({ token: (batch.tokens as string[][]).flat() }), { batched: true }),
    ).toThrow(/changed the number of rows/);
  });

  it('filter, select, sort, rename, remove, toJSONL, toString', () => {
    expect(ten.filter((row) => Number(row.id) % 2 === 0).column('id')).toEqual(['0', '2', '4', '6', '8']);
    expect(
      ten
        .filter((batch) => (batch.id as string[]).map((id) => id > '6'), { batched: true, batchSize: 3 })
        .column('id'),
    ).toEqual(['7', '8', '9']);
    expect(ten.select([3, 1]).column('id')).toEqual(['3', '1']);
    expect(() => ten.select([10])).toThrow(/index 10/);
    const withLength = ten.map((row) => ({ n: (row.tokens as string[]).length }));
    expect(withLength.sort('n').column('id')).toEqual(['0', '3', '6', '9', '1', '4', '7', '2', '5', '8']);
    expect(withLength.sort('n', { reverse: true }).column('id').slice(0, 3)).toEqual(['2', '5', '8']);
    expect(() => ten.sort('tokens')).toThrow(/lists/);
    expect(ten.renameColumn('ner_tags', 'labels').columnNames).toEqual(['id', 'tokens', 'labels']);
    expect(ten.removeColumns(['tokens']).columnNames).toEqual(['id', 'ner_tags']);
    expect(ten.select([0, 1]).toJSONL()).toBe(
      '{"id":"0","tokens":["w0.0"],"ner_tags":[0]}\n{"id":"1","tokens":["w1.0","w1.1"],"ner_tags":[1,2]}\n',
    );
    expect(ten.toString()).toBe(
      "Dataset({\n    features: ['id', 'tokens', 'ner_tags'],\n    num_rows: 10\n})",
    );
  });
});
