import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '@ner/test-support';
import { describe, expect, it } from 'vitest';
import { type Encoding, loadTokenizer, toCodePointOffsets } from '../src/index.js';
import { conllValidation, vocabDir, wnutTest } from './corpora.js';
import { type RustEncoding, type RustTokenizer, rustTokenizer } from './rust-binding.js';

const EDGE_TEXTS = [
  '',
  ' ',
  'A',
  'Héllo Wörld! Ça va? naïve café Ångström',
  'ÀÉÎÕÜ àéîõü ß ẞ İstanbul ΣΑΣ σας Ǆ ﬁ',
  '北京是中国的首都。東京タワー 서울 ㄅ',
  'emoji 😀 in 👍🏽 text 🇯🇵 and 𠮷野家 𝒜',
  'control\u0000chars\u0001and\u007fdel \ufffd replacement\u200b zw \ufeff bom',
  'left\u200eto\u200fright marks',
  'soft\u00adhyphen co\u00adop\u00ad',
  `${'a'.repeat(101)} ${'b'.repeat(100)} ${'é'.repeat(101)} short`,
  '!!!...??? --- ((([[[ ]]]))) "quoted" \'single\' $5.00 a+b=c <tag> ^_^ `tick` |pipe| ~tilde~ @user #tag',
  '¡¿«»—–…•·§¶†‡‰′″‹›※‼⁇ 「」『』【】',
  'tabs\tand\nnewlines\r\nand\u00a0nbsp\u2003emspace\u3000ideographic',
  '  leading and trailing spaces  ',
  'e\u0301 combining a\u0308 mark\u0301 \u0301alone',
  "don't won't I'm we've they're it's",
  'Ωmega Ξi 京 Ⅷ ①②③ ½ ™ ©',
  `${'x'.repeat(30)}ing`,
  'ﾊﾝｶｸ ＦＵＬＬ　ＷＩＤＴＨ１２３',
  'v\u000bf\u000cfs\u001cnel\u0085end',
  'hello [SEP] world [CLS][MASK]x[PAD] [cls] [UNK]! [SEP',
  '[SEP]',
];

/** What the Rust encoding of one sample looks like, as plain arrays. */
interface Expected {
  ids: number[];
  tokens: string[];
  wordIds: (number | null)[];
  offsets: number[][];
}

function fromRust(e: RustEncoding): Expected {
  return {
    ids: e.getIds(),
    tokens: e.getTokens(),
    wordIds: e.getWordIds().map((w) => (w === undefined ? null : w)),
    offsets: e.getOffsets(),
  };
}

/**
 * The npm binding cannot take pre-split input ("Failed to convert ... into rust
 * type String"), so the pre-split oracle is built the way Rust `tokenizers`
 * encodes a pre-tokenized sequence: every word encoded on its own (offsets
 * relative to the word), merged, word id = the word's index, then
 * `[CLS] … [SEP]`. Unique words are encoded in one batch call.
 */
async function rustEncodeWords(
  rust: RustTokenizer,
  sentences: string[][],
  cls: number,
  sep: number,
): Promise<Expected[]> {
  const unique = [...new Set(sentences.flat())];
  const encoded = await rust.encodeBatch(unique, { addSpecialTokens: false });
  const byWord = new Map(unique.map((w, i) => [w, encoded[i]!]));
  return sentences.map((words) => {
    const out: Expected = { ids: [cls], tokens: ['[CLS]'], wordIds: [null], offsets: [[0, 0]] };
    words.forEach((word, w) => {
      const e = byWord.get(word)!;
      out.ids.push(...e.getIds());
      out.tokens.push(...e.getTokens());
      out.offsets.push(...e.getOffsets());
      out.wordIds.push(...e.getIds().map(() => w));
    });
    out.ids.push(sep);
    out.tokens.push('[SEP]');
    out.wordIds.push(null);
    out.offsets.push([0, 0]);
    return out;
  });
}

type Vocab = 'bert-base-cased' | 'bert-base-uncased';

function compare(
  ours: Encoding,
  rust: RustEncoding | Expected,
  texts: (string | undefined)[] | undefined,
  label: string,
): void {
  if ('getIds' in rust) {
    expect(ours.tokenTypeIds, `${label} type ids`).toEqual(rust.getTypeIds());
    expect(ours.specialTokensMask, `${label} special mask`).toEqual(rust.getSpecialTokensMask());
    expect(ours.attentionMask, `${label} attention`).toEqual(rust.getAttentionMask());
  }
  const expected = 'getIds' in rust ? fromRust(rust) : rust;
  expect(ours.inputIds, `${label} ids`).toEqual(expected.ids);
  expect(ours.tokens(), `${label} tokens`).toEqual(expected.tokens);
  expect(ours.wordIds(), `${label} word ids`).toEqual(expected.wordIds);
  // Rust reports code points; ours are UTF-16 units: convert per text (or per word) to compare.
  const ourOffsets = ours.offsets.map((o, i) => {
    const word = ours.wordIds()[i];
    const text =
      texts === undefined
        ? undefined
        : texts.length === 1
          ? texts[0]
          : word === null || word === undefined
            ? undefined
            : texts[word];
    return text === undefined ? o : toCodePointOffsets(text, [o])[0]!;
  });
  expect(ourOffsets, `${label} offsets`).toEqual(expected.offsets);
}

describe.each<Vocab>(['bert-base-cased', 'bert-base-uncased'])(
  'parity with Rust tokenizers 0.23.2 (%s)',
  (vocab) => {
    const rust = rustTokenizer(vocab);
    rust.disableTruncation();
    const corpora = { 'CoNLL-2003 validation': conllValidation(), 'WNUT-17 test': wnutTest() };

    for (const [name, sentences] of Object.entries(corpora)) {
      it(`${name}: every sentence as pre-split words`, async () => {
        const ours = await loadTokenizer(vocabDir(vocab));
        const expected = await rustEncodeWords(rust, sentences, ours.clsTokenId, ours.sepTokenId);
        sentences.forEach((words, i) => {
          compare(ours.encode(words, { isSplitIntoWords: true }), expected[i]!, words, `${name} #${i}`);
        });
      });
      it(`${name}: every sentence as space-joined text`, async () => {
        const ours = await loadTokenizer(vocabDir(vocab));
        const texts = sentences.map((words) => words.join(' '));
        const expected = await rust.encodeBatch(texts);
        texts.forEach((text, i) => {
          compare(ours.encode(text), expected[i]!, [text], `${name} #${i}`);
        });
      });
    }

    it('raw text edge cases', async () => {
      const ours = await loadTokenizer(vocabDir(vocab));
      const expected = await rust.encodeBatch(EDGE_TEXTS);
      EDGE_TEXTS.forEach((text, i) => {
        compare(ours.encode(text), expected[i]!, [text], `edge ${JSON.stringify(text)}`);
      });
    });

    it('edge cases as pre-split words (offsets relative to each word)', async () => {
      const ours = await loadTokenizer(vocabDir(vocab));
      const wordLists = EDGE_TEXTS.map((t) => t.split(' '));
      const expected = await rustEncodeWords(rust, wordLists, ours.clsTokenId, ours.sepTokenId);
      wordLists.forEach((words, i) => {
        compare(ours.encode(words, { isSplitIntoWords: true }), expected[i]!, words, `edge words ${i}`);
      });
    });

    // The binding's overflow windows are not transformers 4.38's (it returns
    // fewer, see README "Overflow windows"); the first window, what plain
    // truncation keeps, must be identical.
    it('truncation: the kept window equals the Rust binding', async () => {
      const ours = await loadTokenizer(vocabDir(vocab));
      const withTruncation = rustTokenizer(vocab);
      const texts = conllValidation()
        .slice(0, 400)
        .map((s) => s.join(' '));
      for (const [maxLength, stride] of [
        [8, 0],
        [12, 3],
        [20, 8],
      ] as const) {
        withTruncation.setTruncation(maxLength, { stride });
        const expected = await withTruncation.encodeBatch(texts);
        texts.forEach((text, i) => {
          const mine = ours.encode(text, {
            truncation: true,
            maxLength,
            stride,
            returnOverflowingTokens: true,
          });
          compare(mine, expected[i]!, [text], `#${i} at ${maxLength}/${stride}`);
        });
      }
    });
  },
);

describe('stride windows as transformers 4.38 (pipeline oracle fixture)', () => {
  it('reproduces every chunk: ids, tokens, offsets, word ids, masks, padding', async () => {
    const dir = sharedPath('oracle', 'pipeline');
    const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as {
      stride_cases: {
        text: string;
        model_max_length: number;
        stride: number;
        chunks: {
          ids: number[];
          tokens: string[];
          offsets: number[][];
          type_ids: number[];
          attention_mask: number[];
          special_tokens_mask: number[];
          word_ids: (number | null)[];
        }[];
      }[];
    };
    const tokenizer = await loadTokenizer(dir);
    expect(cases.stride_cases.length).toBeGreaterThan(0);
    for (const c of cases.stride_cases) {
      const batch = tokenizer.encodeBatch([c.text], {
        truncation: true,
        maxLength: c.model_max_length,
        stride: c.stride,
        returnOverflowingTokens: true,
        padding: true,
      });
      expect(batch.encodings.length).toBe(c.chunks.length);
      expect(batch.overflowToSampleMapping).toEqual(c.chunks.map(() => 0));
      batch.encodings.forEach((e, k) => {
        const chunk = c.chunks[k]!;
        expect(e.inputIds).toEqual(chunk.ids);
        expect(e.tokens()).toEqual(chunk.tokens);
        expect(toCodePointOffsets(c.text, e.offsets)).toEqual(chunk.offsets);
        expect(e.tokenTypeIds).toEqual(chunk.type_ids);
        expect(e.attentionMask).toEqual(chunk.attention_mask);
        expect(e.specialTokensMask).toEqual(chunk.special_tokens_mask);
        expect(e.wordIds()).toEqual(chunk.word_ids);
      });
    }
  });
});
