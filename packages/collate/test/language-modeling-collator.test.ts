import { describe, expect, it } from 'vitest';
import { DataCollatorForLanguageModeling } from '../src/language-modeling-collator.js';

// bert-base-cased ids: [PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103.
const SPECIAL = [0, 100, 101, 102, 103];
const MASK = 103;
const VOCAB = 28996;

/** `count` rows of `length` ordinary tokens (ids 1000…) between [CLS] and [SEP]. */
function rows(count: number, length: number) {
  return Array.from({ length: count }, (_, r) => ({
    input_ids: [101, ...Array.from({ length }, (_, i) => 1000 + ((r * length + i) % 5000)), 102],
  }));
}

function collator(options: Record<string, unknown> = {}) {
  return new DataCollatorForLanguageModeling({
    padTokenId: 0,
    maskTokenId: MASK,
    vocabSize: VOCAB,
    specialTokenIds: SPECIAL,
    ...options,
  });
}

describe('DataCollatorForLanguageModeling', () => {
  it('chooses about 15% of the ordinary tokens, labels them with their ids, and replaces 80/10/10', () => {
    const input = rows(200, 50);
    const batch = collator().collate(input);
    const ids = batch.input_ids.data;
    const labels = batch.labels!.data;
    const width = batch.input_ids.shape[1]!;
    let chosen = 0;
    let masked = 0;
    let kept = 0;
    for (let r = 0; r < input.length; r++) {
      const original = input[r]!.input_ids;
      for (let c = 0; c < width; c++) {
        const i = r * width + c;
        if (labels[i] === -100) {
          // Not chosen: the input is untouched.
          expect(ids[i]).toBe(original[c]);
          continue;
        }
        chosen++;
        expect(labels[i]).toBe(original[c]);
        expect(SPECIAL).not.toContain(original[c]);
        if (ids[i] === MASK) masked++;
        else if (ids[i] === original[c]) kept++;
      }
    }
    const ordinary = 200 * 50;
    // Binomial(10000, 0.15): mean 1500, sd 36.
    expect(chosen).toBeGreaterThan(1380);
    expect(chosen).toBeLessThan(1620);
    expect(masked / chosen).toBeGreaterThan(0.75);
    expect(masked / chosen).toBeLessThan(0.85);
    // 10% kept (plus the rare random draw of the same id).
    expect(kept / chosen).toBeGreaterThan(0.06);
    expect(kept / chosen).toBeLessThan(0.14);
    expect(chosen).toBeLessThan(ordinary);
  });

  it('never chooses special tokens or padding, and pads labels with -100', () => {
    const batch = collator({ mlmProbability: 1 }).collate([
      { input_ids: [101, 2000, 100, 2001, 102] },
      { input_ids: [101, 2002, 102] },
    ]);
    expect(batch.input_ids.shape).toEqual([2, 5]);
    expect(Array.from(batch.attention_mask!.data)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(Array.from(batch.labels!.data)).toEqual([
      -100, 2000, -100, 2001, -100, -100, 2002, -100, -100, -100,
    ]);
    const ids = Array.from(batch.input_ids.data);
    // [CLS], [UNK], [SEP] and the padding are unchanged.
    expect([ids[0], ids[2], ids[4], ids[5], ids[7], ids[8], ids[9]]).toEqual([101, 100, 102, 101, 102, 0, 0]);
  });

  it('uses a special_tokens_mask column when the rows have one, and leaves it out of the batch', () => {
    const batch = collator({ mlmProbability: 1, maskReplaceProb: 1, randomReplaceProb: 0 }).collate([
      { input_ids: [101, 2000, 2001, 102], special_tokens_mask: [1, 0, 1, 1] },
    ]);
    expect(Array.from(batch.input_ids.data)).toEqual([101, MASK, 2001, 102]);
    expect(Array.from(batch.labels!.data)).toEqual([-100, 2000, -100, -100]);
    expect(batch.special_tokens_mask).toBeUndefined();
  });

  it('replaces an incoming labels column (token-classification rows can be reused)', () => {
    const batch = collator({ mlmProbability: 0 }).collate([
      { input_ids: [101, 2000, 102], labels: [-100, 3, -100] },
      { input_ids: [101, 102], labels: [-100, -100] },
    ]);
    expect(Array.from(batch.labels!.data)).toEqual([-100, -100, -100, -100, -100, -100]);
  });

  it('draws random replacements from the whole vocabulary when maskReplaceProb is 0', () => {
    const batch = collator({ mlmProbability: 1, maskReplaceProb: 0, randomReplaceProb: 1 }).collate(
      rows(4, 100),
    );
    const ids = Array.from(batch.input_ids.data);
    const labels = Array.from(batch.labels!.data);
    const replaced = ids.filter((id, i) => labels[i] !== -100 && id !== labels[i]);
    expect(replaced.length).toBeGreaterThan(390);
    for (const id of replaced) {
      expect(id).toBeGreaterThanOrEqual(0);
      expect(id).toBeLessThan(VOCAB);
    }
  });

  it('is deterministic for a seed and continues its stream across calls', () => {
    const input = rows(8, 30);
    const a = collator({ seed: 7 });
    const b = collator({ seed: 7 });
    const first = Array.from(a.collate(input).input_ids.data);
    expect(Array.from(b.collate(input).input_ids.data)).toEqual(first);
    expect(Array.from(a.collate(input).input_ids.data)).not.toEqual(first);
    expect(Array.from(collator({ seed: 8 }).collate(input).input_ids.data)).not.toEqual(first);
  });

  it('gives causal-LM labels with mlm: false (inputs unchanged, padding -100)', () => {
    const batch = new DataCollatorForLanguageModeling({ padTokenId: 0, mlm: false }).collate([
      { input_ids: [101, 2000, 102] },
      { input_ids: [101, 102] },
    ]);
    expect(Array.from(batch.input_ids.data)).toEqual([101, 2000, 102, 101, 102, 0]);
    expect(Array.from(batch.labels!.data)).toEqual([101, 2000, 102, 101, 102, -100]);
  });
});
