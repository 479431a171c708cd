// The tiny models and batch the packages' tests build (BERT/DistilBERT a few kilobytes big), as
// plain option objects: each test passes them to @ner/models' configs, so this folder needs no
// dependency. Fresh objects on every call: a test may change its copy.

/** BertConfig sizes of the tiny test BERT: `new BertConfig({ ...tinyBertSizes(), numLabels: 3 })`. */
export function tinyBertSizes(numHiddenLayers = 2) {
  return {
    vocabSize: 40,
    hiddenSize: 16,
    numHiddenLayers,
    numAttentionHeads: 2,
    intermediateSize: 20,
    maxPositionEmbeddings: 16,
  };
}

/** DistilBertConfig sizes of the tiny test DistilBERT, the same model sizes as {@link tinyBertSizes}. */
export function tinyDistilBertSizes(nLayers = 2) {
  return { vocabSize: 40, dim: 16, nLayers, nHeads: 2, hiddenDim: 20, maxPositionEmbeddings: 16 };
}

/**
 * A token-classification batch of two sentences (5 and 3 tokens, the second padded), with
 * Python's keys and -100 where a token has no label.
 */
export function tinyTokenBatch() {
  return {
    input_ids: [
      [2, 5, 9, 11, 3],
      [2, 7, 3, 0, 0],
    ],
    attention_mask: [
      [1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
    ],
    labels: [
      [-100, 0, 1, 2, -100],
      [-100, 2, -100, -100, -100],
    ],
  };
}
