import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fromCodePointOffsets,
  loadTokenizer,
  saveTokenizer,
  TokenizerLoadError,
  toCodePointOffsets,
} from '../src/index.js';
import { conllValidation, vocabDir } from './corpora.js';
import { type RustTokenizer, rustTokenizer, rustTokenizerFromFile } from './rust-binding.js';
import { tempDirs } from './temp-dirs.js';

const TEXTS = [
  'Héllo Wörld! naïve café',
  '北京 😀 e\u0301',
  "Don't stop . , ! ?",
  'soft\u00adhyphen \u200e ok',
];

const tmp = tempDirs('ner-align-');

describe('loadTokenizer', () => {
  it('builds the standard BERT pipeline from a bare vocab.txt (+ tokenizer_config.json)', async () => {
    for (const name of ['bert-base-cased', 'bert-base-uncased'] as const) {
      const dir = tmp();
      symlinkSync(join(vocabDir(name), 'vocab.txt'), join(dir, 'vocab.txt'));
      symlinkSync(join(vocabDir(name), 'tokenizer_config.json'), join(dir, 'tokenizer_config.json'));
      const fromVocab = await loadTokenizer(dir);
      const rust = rustTokenizer(name);
      const expected = await rust.encodeBatch(TEXTS);
      TEXTS.forEach((text, i) => {
        const e = fromVocab.encode(text);
        expect(e.inputIds).toEqual(expected[i]!.getIds());
        expect(toCodePointOffsets(text, e.offsets)).toEqual(expected[i]!.getOffsets());
      });
      expect(fromVocab.modelMaxLength).toBe(512);
    }
  });

  it('fails clearly for a folder without tokenizer files', async () => {
    await expect(loadTokenizer(tmp())).rejects.toThrow(TokenizerLoadError);
    await expect(loadTokenizer(tmp())).rejects.toThrow(/neither tokenizer.json nor vocab.txt/);
  });
});

describe('saveTokenizer', () => {
  it('writes files the Rust tokenizer loads and that encode the same', async () => {
    const ours = await loadTokenizer(vocabDir('bert-base-uncased'));
    const dir = tmp();
    await saveTokenizer(ours, dir);
    const rust = rustTokenizerFromFile(join(dir, 'tokenizer.json'));
    rust.disableTruncation();
    const expected = await rust.encodeBatch(TEXTS);
    TEXTS.forEach((text, i) => {
      expect(ours.encode(text).inputIds).toEqual(expected[i]!.getIds());
    });
    const reloaded = await loadTokenizer(dir);
    expect(reloaded.config.normalizer).toEqual(ours.config.normalizer);
    expect(reloaded.modelMaxLength).toBe(512);
    expect(reloaded.vocabSize).toBe(ours.vocabSize);
    // vocab.txt alone gives the same tokenizer back
    const vocabOnly = tmp();
    symlinkSync(join(dir, 'vocab.txt'), join(vocabOnly, 'vocab.txt'));
    symlinkSync(join(dir, 'tokenizer_config.json'), join(vocabOnly, 'tokenizer_config.json'));
    expect((await loadTokenizer(vocabOnly)).encode(TEXTS[0]!).inputIds).toEqual(expected[0]!.getIds());
  });
});

describe('WordPieceTokenizer', () => {
  it('decodes like the Rust WordPiece decoder', async () => {
    const ours = await loadTokenizer(vocabDir('bert-base-cased'));
    const rust = rustTokenizer('bert-base-cased');
    const texts = [
      ...conllValidation()
        .slice(0, 200)
        .map((s) => s.join(' ')),
      ...TEXTS,
    ];
    for (const text of texts) {
      const ids = ours.encode(text).inputIds;
      // The Rust decoder alone; decode() adds Python's whole-string clean-up by default (pretrained.test.ts).
      const rustDecoderOnly = { cleanUpTokenizationSpaces: false };
      expect(ours.decode(ids, rustDecoderOnly)).toBe(await rust.decode(ids, false));
      expect(ours.decode(ids, { ...rustDecoderOnly, skipSpecialTokens: true })).toBe(
        await rust.decode(ids, true),
      );
    }
    expect(ours.convertIdsToTokens([101, 102])).toEqual(['[CLS]', '[SEP]']);
  });

  it('encodes text pairs like the Rust template ([CLS] A [SEP] B [SEP], type ids 1)', async () => {
    const ours = await loadTokenizer(vocabDir('bert-base-cased'));
    const rust = rustTokenizer('bert-base-cased');
    const e = ours.encode('Who lives in Paris?', { textPair: 'Angela lives in Berlin.' });
    const r = await rust.encode('Who lives in Paris?', 'Angela lives in Berlin.');
    expect(e.inputIds).toEqual(r.getIds());
    expect(e.tokenTypeIds).toEqual(r.getTypeIds());
    expect(e.offsets).toEqual(r.getOffsets());
    expect(e.wordIds()).toEqual(r.getWordIds().map((w) => w ?? null));
    expect(e.sequenceIds()).toEqual([null, 0, 0, 0, 0, 0, null, 1, 1, 1, 1, 1, null]);
  });

  it('truncates text pairs longest_first exactly as the Rust binding', async () => {
    const ours = await loadTokenizer(vocabDir('bert-base-cased'));
    const rust = rustTokenizer('bert-base-cased') as RustTokenizer & {
      setTruncation(maxLength: number): void;
    };
    const a = 'one two three four five six seven eight nine ten';
    const b = 'alpha beta gamma delta epsilon zeta eta theta iota kappa';
    for (const [first, second] of [
      [a, b],
      [a, 'short'],
      ['short', b],
      [a, b.slice(0, 30)],
    ] as const) {
      for (const maxLength of [8, 13, 17, 22, 40]) {
        rust.setTruncation(maxLength);
        const r = await rust.encode(first, second);
        const e = ours.encode(first, { textPair: second, truncation: true, maxLength });
        expect(e.inputIds, `${maxLength}: ${first} | ${second}`).toEqual(r.getIds());
        expect(e.tokenTypeIds).toEqual(r.getTypeIds());
      }
    }
  });

  it('pads to the longest row or to maxLength with [PAD], mask 0, word id null', async () => {
    const ours = await loadTokenizer(vocabDir('bert-base-cased'));
    const batch = ours.encodeBatch([['Hi'], ['Hello', 'there', 'friend']], {
      isSplitIntoWords: true,
      padding: true,
    });
    expect(batch.inputIds.map((r) => r.length)).toEqual([5, 5]);
    expect(batch.encodings[0]!.tokens()).toEqual(['[CLS]', 'Hi', '[SEP]', '[PAD]', '[PAD]']);
    expect(batch.attentionMask[0]).toEqual([1, 1, 1, 0, 0]);
    expect(batch.encodings[0]!.wordIds()).toEqual([null, 0, null, null, null]);
    expect(batch.encodings[0]!.specialTokensMask).toEqual([1, 0, 1, 1, 1]);
    expect(batch.overflowToSampleMapping).toBeUndefined();
    const fixed = ours.encode('Hi', { padding: 'max_length', maxLength: 6 });
    expect(fixed.inputIds).toEqual([101, ours.convertTokensToIds(['Hi'])[0], 102, 0, 0, 0]);
  });

  it('maps overflow windows to their sample', async () => {
    const ours = await loadTokenizer(vocabDir('bert-base-cased'));
    const batch = ours.encodeBatch(['a b c d e f g h i j', 'x'], {
      truncation: true,
      maxLength: 6,
      stride: 1,
      returnOverflowingTokens: true,
    });
    expect(batch.encodings.map((e) => e.tokens().slice(1, -1).join(' '))).toEqual([
      'a b c d',
      'd e f g',
      'g h i j',
      'x',
    ]);
    expect(batch.overflowToSampleMapping).toEqual([0, 0, 0, 1]);
    expect(() => ours.encode('a b c', { truncation: true, maxLength: 4, stride: 2 })).toThrow(/stride 2/);
  });

  it('keeps offsets usable with String#slice and converts them to Python code points', async () => {
    const ours = await loadTokenizer(vocabDir('bert-base-cased'));
    const text = '😀 Paris 𠮷 Berlin';
    const e = ours.encode(text);
    const words = e.offsets.filter((_, i) => e.specialTokensMask[i] === 0).map(([s, t]) => text.slice(s, t));
    expect(e.tokens()).toEqual(['[CLS]', '[UNK]', 'Paris', '[UNK]', 'Berlin', '[SEP]']);
    expect(words).toEqual(['😀', 'Paris', '𠮷', 'Berlin']);
    const python = toCodePointOffsets(text, e.offsets);
    expect(python[2]).toEqual([2, 7]);
    expect(fromCodePointOffsets(text, python)).toEqual(e.offsets);
  });
});
