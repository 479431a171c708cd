import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { countTokenIds, rareTokenIds, replaceRareTokens, shareUnkEmbedding } from './rare-tokens.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('countTokenIds / rareTokenIds', () => {
  it('counts ids and keeps special ids out of the rare set', () => {
    const counts = countTokenIds([{ input_ids: [0, 5, 6, 1] }, { input_ids: [0, 5, 7, 1] }], 9);
    expect(Array.from(counts)).toEqual([2, 2, 0, 0, 0, 2, 1, 1, 0]);
    // Special ids 0, 1 and 2 ([CLS], [SEP], [UNK] here) never count as rare.
    expect([...rareTokenIds(counts, 2, new Set([0, 1, 2]))]).toEqual([3, 4, 6, 7, 8]);
    expect(rareTokenIds(counts, 0, new Set()).size).toBe(0);
  });

  it('names an id outside the vocabulary', () => {
    expect(() => countTokenIds([{ input_ids: [3, 9] }], 9)).toThrow(
      /input id 9 is outside the vocabulary \(0\.\.8\)/,
    );
  });
});

describe('replaceRareTokens', () => {
  it('replaces only the rare ids of each row by [UNK]', () => {
    const map = replaceRareTokens(new Set([6, 7]), 2);
    expect(
      map({
        input_ids: [
          [0, 5, 6, 1],
          [0, 7, 7, 5, 1],
        ],
      }),
    ).toEqual({
      input_ids: [
        [0, 5, 2, 1],
        [0, 2, 2, 5, 1],
      ],
    });
  });
});

describe('shareUnkEmbedding', () => {
  it('copies the [UNK] row into the rare rows and leaves the others alone', () => {
    const weights = tf.variable(tf.tensor2d([0, 1, 10, 11, 20, 21, 30, 31], [4, 2]));
    shareUnkEmbedding(weights, new Set([1, 3]), 2);
    expect(Array.from(weights.dataSync())).toEqual([0, 1, 20, 21, 20, 21, 20, 21]);
    weights.dispose();
  });

  it('names an [UNK] id or a rare id outside the matrix', () => {
    const weights = tf.variable(tf.zeros([4, 2]));
    expect(() => shareUnkEmbedding(weights, new Set([1]), 4)).toThrow(/\[UNK\] id 4 is outside 0\.\.3/);
    expect(() => shareUnkEmbedding(weights, new Set([7]), 2)).toThrow(/rare id 7 is outside 0\.\.3/);
    weights.dispose();
  });
});
