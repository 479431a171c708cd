// Rare sub-tokens share the [UNK] vector: a from-scratch model's answer to "a word it has never seen".
//
// WNUT-17's test entities are emerging and rare by design: most of them never occur in the
// training tweets. A model initialised from scratch keeps the random initial vector for every
// vocabulary entry it never trained on, so a new name reads as noise. Classic NER systems map
// rare words to one unknown-word symbol instead, which learns what unseen words look like in
// context (often: names). Here, sub-tokens seen fewer than `minCount` times in training are
// replaced by [UNK] in the training and evaluation rows, and after training their embedding
// rows are set to the learned [UNK] row, so the saved model does the same on raw text (the
// pipeline, Python's from_pretrained) without any preprocessing.
import * as tf from '@tensorflow/tfjs-core';

/** How often each vocabulary id occurs in the rows' `input_ids`. */
export function countTokenIds(
  rows: Iterable<{ input_ids: readonly number[] }>,
  vocabSize: number,
): Uint32Array {
  const counts = new Uint32Array(vocabSize);
  for (const row of rows) {
    for (const id of row.input_ids) {
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
        throw new RangeError(`input id ${id} is outside the vocabulary (0..${vocabSize - 1})`);
      counts[id]! += 1;
    }
  }
  return counts;
}

/** The ids (special tokens excepted) seen fewer than `minCount` times: the ones [UNK] stands for. */
export function rareTokenIds(
  counts: Uint32Array,
  minCount: number,
  specialIds: ReadonlySet<number>,
): Set<number> {
  const rare = new Set<number>();
  for (let id = 0; id < counts.length; id++) if (counts[id]! < minCount && !specialIds.has(id)) rare.add(id);
  return rare;
}

/** `input_ids` with every rare id replaced by `unkId` (a batched `Dataset.map` function). */
export function replaceRareTokens(rare: ReadonlySet<number>, unkId: number) {
  return (batch: Record<string, unknown[]>) => ({
    input_ids: (batch.input_ids as number[][]).map((ids) => ids.map((id) => (rare.has(id) ? unkId : id))),
  });
}

/** Copies the [UNK] row of a `[vocab, dim]` word-embedding matrix into the rows of the rare ids. */
export function shareUnkEmbedding(
  wordEmbeddings: tf.Variable,
  rare: ReadonlySet<number>,
  unkId: number,
): void {
  const [vocabSize] = wordEmbeddings.shape as [number, number];
  if (!(unkId >= 0 && unkId < vocabSize))
    throw new RangeError(`[UNK] id ${unkId} is outside 0..${vocabSize - 1}`);
  const rows = new Float32Array(vocabSize);
  for (const id of rare) {
    if (id < 0 || id >= vocabSize) throw new RangeError(`rare id ${id} is outside 0..${vocabSize - 1}`);
    rows[id] = 1;
  }
  const updated = tf.tidy(() => {
    const isRare = tf.expandDims(tf.tensor1d(rows), 1); // [vocab, 1]: 1 where the row becomes [UNK]'s
    const unkRow = tf.slice(wordEmbeddings, [unkId, 0], [1, -1]); // [1, dim]
    return tf.add(tf.mul(wordEmbeddings, tf.sub(1, isRare)), tf.mul(unkRow, isRare));
  });
  wordEmbeddings.assign(updated);
  updated.dispose();
}
