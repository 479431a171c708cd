// NerEmbeddings: the embedding layer of BERT / DistilBERT for inference in one call. As tfjs ops
// it is a word gather, a token-type gather, a position slice, two adds and a LayerNorm, each
// writing a fresh [batch, length, hidden] output; on a batch of 32 those outputs were most of the
// page faults left in a first forward. Here each token's row is summed into the output and
// LayerNorm'd there in place, while it is still in cache: one output, no intermediates.
//
// Bit-identical to the composite path on this backend: the sums are the same float adds in the
// same order ((word + type) + position; DistilBERT word + position), compiled without
// contraction (-ffp-contract=off), and the LayerNorm is NerLayerNorm's own row function.
#include "embeddings.h"

#include <algorithm>

#include "layer_norm_row.h"
#include "parallel.h"
#include "vector_math.h"

namespace ner {

namespace {

NER_SIMD void sumWordTypePosition(const float *word, const float *type, const float *position, float *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = (word[i] + type[i]) + position[i];
}

NER_SIMD void sumWordPosition(const float *word, const float *position, float *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = word[i] + position[i];
}

int64_t firstOutOfRange(const int32_t *ids, size_t n, size_t limit) {
  for (size_t i = 0; i < n; i++)
    if (ids[i] < 0 || static_cast<size_t>(ids[i]) >= limit) return static_cast<int64_t>(i);
  return -1;
}

}  // namespace

int64_t firstInvalidEmbeddingId(const int32_t *inputIds, const int32_t *tokenTypeIds, size_t rows,
                                const EmbeddingTables &tables) {
  const int64_t word = firstOutOfRange(inputIds, rows, tables.vocab);
  if (word >= 0) return word;
  if (!tables.types) return -1;
  const int64_t type = firstOutOfRange(tokenTypeIds, rows, tables.typeVocab);
  return type >= 0 ? static_cast<int64_t>(rows) + type : -1;
}

void embeddingsForward(const int32_t *inputIds, const int32_t *tokenTypeIds, const EmbeddingTables &tables,
                       float *y, size_t batch, size_t length, size_t hidden, float eps) {
  const size_t rows = batch * length;
  // The grain of NerLayerNorm (fused.cc), whose work per row this is, plus the sums.
  const size_t grain = std::max<size_t>(1, (1 << 17) / std::max<size_t>(1, hidden));
  parallelFor(rows, grain, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; r++) {
      float *row = y + r * hidden;
      const float *word = tables.words + static_cast<size_t>(inputIds[r]) * hidden;
      const float *position = tables.positions + (r % length) * hidden;
      if (tables.types)
        sumWordTypePosition(word, tables.types + static_cast<size_t>(tokenTypeIds[r]) * hidden, position, row, hidden);
      else
        sumWordPosition(word, position, row, hidden);
      float mean, rstd;  // kept by NerLayerNorm for its gradient; not needed for inference
      layerNormRow(row, tables.gamma, tables.beta, row, hidden, eps, &mean, &rstd);
    }
  });
}

}  // namespace ner
