import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  BertNormalizer,
  type BertNormalizerOptions,
  bertPreTokenize,
  toCodePointOffsets,
} from '../src/index.js';
import { allCodePoints } from './unicode-samples.js';

const require = createRequire(import.meta.url);
const binding = require('tokenizers') as {
  bertNormalizer(options: object): { normalizeString(s: string): string };
  bertPreTokenizer(): { preTokenizeString(s: string): [string, [number, number]][] };
};

const CODE_POINTS = 0x110000 - 0x800; // every code point but the surrogates
const CHUNK = 4096;

/** Every code point, in chunks of text, each code point between `before` and `after`. */
function chunks(before: string, after: string): { text: string; count: number }[] {
  const out: { text: string; count: number }[] = [];
  let parts: string[] = [];
  for (const cp of allCodePoints()) {
    parts.push(before + String.fromCodePoint(cp) + after);
    if (parts.length === CHUNK) {
      out.push({ text: parts.join(''), count: parts.length });
      parts = [];
    }
  }
  if (parts.length > 0) out.push({ text: parts.join(''), count: parts.length });
  return out;
}

/** Where two normalized chunks first differ, with the source text around it. */
function firstDifference(chunk: string, ours: string, rust: string): string {
  let i = 0;
  while (i < ours.length && ours[i] === rust[i]) i++;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 6), i + 6));
  return `normalized text differs at unit ${i}: ours ${around(ours)}, Rust ${around(rust)} (chunk ${JSON.stringify(chunk.slice(0, 12))}...)`;
}

const CONFIGS: Record<string, BertNormalizerOptions> = {
  'uncased (all steps)': { cleanText: true, handleChineseChars: true, stripAccents: null, lowercase: true },
  'cased (clean_text, handle_chinese_chars)': {
    cleanText: true,
    handleChineseChars: true,
    stripAccents: null,
    lowercase: false,
  },
  'lowercase alone': { cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: true },
};

// Each normalizer configuration covers a step the others hide: uncased runs NFD and
// strip_accents before lowercase; "lowercase alone" lowercases every code point.
describe('frozen Unicode tables: every code point against the Rust binding', () => {
  // "0" between code points: unchanged by every step, and a starter, so NFD cannot
  // reorder across it; each code point is normalized on its own.
  const separated = chunks('', '0');

  it.each(Object.entries(CONFIGS))('BertNormalizer %s', { timeout: 120_000 }, (_name, options) => {
    const ours = new BertNormalizer(options);
    const rust = binding.bertNormalizer({ ...options, stripAccents: options.stripAccents ?? undefined });
    let compared = 0;
    for (const chunk of separated) {
      const mine = ours.normalize(chunk.text).normalized;
      const theirs = rust.normalizeString(chunk.text);
      if (mine !== theirs) expect.fail(firstDifference(chunk.text, mine, theirs));
      compared += chunk.count;
    }
    expect(compared).toBe(CODE_POINTS);
  });

  it('BertPreTokenizer: whitespace, punctuation or word character', { timeout: 120_000 }, () => {
    const rust = binding.bertPreTokenizer();
    let compared = 0;
    for (const { text: chunk, count } of chunks('a', 'b ')) {
      const theirs = rust.preTokenizeString(chunk);
      const spans = bertPreTokenize(chunk);
      const offsets = toCodePointOffsets(
        chunk,
        spans.map(({ start, end }) => [start, end]),
      );
      const mine = spans.map(({ start, end }, k): [string, [number, number]] => [
        chunk.slice(start, end),
        offsets[k] as [number, number],
      ]);
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
        const k = mine.findIndex((m, j) => JSON.stringify(m) !== JSON.stringify(theirs[j]));
        expect.fail(`pre-tokens differ at ${JSON.stringify(mine[k])} (Rust ${JSON.stringify(theirs[k])})`);
      }
      compared += count;
    }
    expect(compared).toBe(CODE_POINTS);
  });
});
