import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizer, toCodePointOffsets } from '../src/index.js';
import { vocabDir } from './corpora.js';

interface RustEncoding {
  getIds(): number[];
  getOffsets(): number[][];
  getWordIds(): (number | null | undefined)[];
}
const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers') as {
  Tokenizer: {
    fromFile(path: string): { encodeBatch(t: string[]): Promise<RustEncoding[]>; disableTruncation(): void };
  };
};

// Character pools that exercise every branch of the normalizer and pre-tokenizer.
const POOLS = [
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  '      \t\n\r\u000b\u000c\u0085\u00a0\u2003\u3000\u2028',
  '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~¡¿«»—–…•§¶†‰′※【】「」',
  'àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćČčĎďĘęĞğİıŁłŃńŐőŒœŘřŚśŞşŠšŢţŮůŰűŸŹźŻżŽžǄǅǆẞßΣσςΑΩ',
  '\u0300\u0301\u0302\u0308\u0327\u0903\u093e',
  '北京是中国的首都東京タワー서울ㄅ𠮷丽',
  '😀👍🏽🇯🇵𝒜𝔸\u{1f600}\u{e0001}',
  '\u0000\u0001\u001f\u007f\u200b\u200c\u200d\u200e\u200f\u00ad\ufeff\ufffd\ue000',
  'ﾊﾝｶｸＦＵＬＬ１２３ﬁﬂ№™½①Ⅷ',
];

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTexts(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const pools = POOLS.map((p) => [...p]);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const length = Math.floor(random() * 40);
    for (let k = 0; k < length; k++) {
      // Mostly letters and spaces, so that words form; every pool appears.
      const pool =
        random() < 0.5 ? pools[random() < 0.7 ? 0 : 1]! : pools[Math.floor(random() * pools.length)]!;
      text += pool[Math.floor(random() * pool.length)]!;
    }
    texts.push(text);
  }
  return texts;
}

describe.each(['bert-base-cased', 'bert-base-uncased'] as const)(
  'random Unicode text vs Rust tokenizers (%s)',
  (vocab) => {
    it('3000 seeded random strings: ids, word ids and offsets identical', async () => {
      const ours = await loadTokenizer(vocabDir(vocab));
      const rust = Tokenizer.fromFile(join(vocabDir(vocab), 'tokenizer.json'));
      rust.disableTruncation();
      const texts = randomTexts(3000, 20240607);
      const expected = await rust.encodeBatch(texts);
      texts.forEach((text, i) => {
        const e = ours.encode(text);
        const r = expected[i]!;
        const label = JSON.stringify(text);
        expect(e.inputIds, label).toEqual(r.getIds());
        expect(e.wordIds(), label).toEqual(r.getWordIds().map((w) => w ?? null));
        expect(toCodePointOffsets(text, e.offsets), label).toEqual(r.getOffsets());
      });
    });
  },
);
