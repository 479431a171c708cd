// No imports: models.mjs loads its own backends and uses this without peers/tfjs-backends.mjs.

/**
 * The benches' token-classification batch: `batchSize` rows of `length` tokens, each row 89..128
 * real tokens (length - 0..39) of random ids 1000..20999 then padding 0, labels random in
 * 0..numLabels-1 with -100 on [CLS], [SEP] and padding. A fixed LCG (seed 7) that the torch
 * peer (peers/torch_bert_step.py) repeats, so every column sees the same batch.
 */
export function benchTokenBatch(batchSize, length, numLabels) {
  let state = 7;
  const next = (n) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const inputIds = [];
  const attentionMask = [];
  const labels = [];
  for (let b = 0; b < batchSize; b++) {
    const real = length - next(40);
    inputIds.push(Array.from({ length }, (_, t) => (t < real ? 1000 + next(20000) : 0)));
    attentionMask.push(Array.from({ length }, (_, t) => (t < real ? 1 : 0)));
    labels.push(Array.from({ length }, (_, t) => (t > 0 && t < real - 1 ? next(numLabels) : -100)));
  }
  return { inputIds, attentionMask, labels };
}
