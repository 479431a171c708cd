import { describe, expect, it } from 'vitest';
import { expectSameAsRust } from './rust-binding.js';
import { mulberry32 } from './unicode-samples.js';

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
      expect(await expectSameAsRust(vocab, randomTexts(3000, 20240607))).toBe(3000);
    });
  },
);
