// Offsets point into the input as JavaScript indices, also for characters outside the BMP,
// combining accents, tabs and newlines: text.slice(start, end) is each token's text.
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClassifier, TokenEntity } from '../src/index.js';
import { oracleNer } from './oracle-cases.js';

let ner: TokenClassifier;
beforeAll(async () => {
  ner = await oracleNer();
});
afterAll(() => ner.dispose());

const texts = [
  '😀 Angela Merkel met 🇫🇷 Macron in Paris',
  'Cafe\u0301 in Zürich', // "é" written as e + combining acute accent ([UNK] here)
  'Berlin\tParis\nLondon',
  '𝒜lpha and Beta', // a mathematical script letter (astral, [UNK] in this vocab)
];

describe('offsets are JavaScript string indices', () => {
  for (const text of texts) {
    it(JSON.stringify(text), async () => {
      const tokens = (await ner(text, { ignoreLabels: [] })) as TokenEntity[];
      expect(tokens.length).toBeGreaterThan(0);
      for (const token of tokens) {
        const span = text.slice(token.start!, token.end!);
        // A token is its span, minus the "##" continuation mark; [UNK] tokens already carry the span.
        expect(token.word.replace(/^##/, '')).toBe(span);
      }
      const grouped = await ner(text, { aggregationStrategy: 'first', ignoreLabels: [] });
      expect(grouped.at(-1)!.end).toBe(text.trimEnd().length);
    });
  }
});
