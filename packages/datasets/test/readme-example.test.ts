import { sharedPath } from '@ner/test-support';
import { expect, it } from 'vitest';
import { type ClassLabel, formatWordsWithLabels, loadDataset, type Sequence } from '../src/index.js';

// The README snippet, with the shared corpus path.
it('README example runs', async () => {
  const raw = await loadDataset(sharedPath('data', 'conll2003'));
  const train = raw.get('train');
  const nerFeature = train.features.get('ner_tags') as Sequence;
  expect(String(nerFeature)).toMatch(/^List\(ClassLabel\(names=\['O', 'B-PER', 'I-PER', 'B-ORG'/);
  const row = train.get(0) as { tokens: string[]; ner_tags: number[] };
  expect(
    formatWordsWithLabels(row.tokens, row.ner_tags, nerFeature.feature as ClassLabel).split('\n')[1],
  ).toBe('B-ORG O       B-MISC O    O  O       B-MISC  O    O ');
  const small = train.shuffle({ seed: 42 }).select([0, 1, 2, 3]);
  // numpy: np.random.default_rng(42).permutation(14041)[:4] == [1469, 122, 5555, 7550]
  expect(small.column('id')).toEqual(['1469', '122', '5555', '7550']);
  const lengths = small.map((r) => ({ n: (r.tokens as string[]).length }), { removeColumns: 'pos_tags' });
  expect(lengths.columnNames).toEqual(['id', 'tokens', 'chunk_tags', 'ner_tags', 'n']);
  const { train: tr, test } = Object.fromEntries(
    raw.get('validation').trainTestSplit({ testSize: 0.1, seed: 0 }),
  );
  expect([tr?.numRows, test?.numRows]).toEqual([2925, 325]);
});
