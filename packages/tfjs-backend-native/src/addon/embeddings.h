// NerEmbeddings (embeddings.cc): BERT's and DistilBERT's embedding layer for inference in one
// pass, word + token type + position rows summed and LayerNorm'd straight into the output.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ner {

// The tables of one embedding layer, each [rows, hidden] row-major; `types` is null for a model
// without token types (DistilBERT).
struct EmbeddingTables {
  const float *words = nullptr;
  size_t vocab = 0;
  const float *positions = nullptr;
  size_t maxPositions = 0;
  const float *types = nullptr;
  size_t typeVocab = 0;
  const float *gamma = nullptr;
  const float *beta = nullptr;
};

// -1 when every id indexes its table, else where the first one that does not is: its flat
// position p in inputIds, or rows + p for one in tokenTypeIds (null when tables.types is null).
int64_t firstInvalidEmbeddingId(const int32_t *inputIds, const int32_t *tokenTypeIds, size_t rows,
                                const EmbeddingTables &tables);

// y [batch * length, hidden] = LayerNorm((words[id] + types[type]) + positions[t]) per token
// (without types: words[id] + positions[t]), the composite ops' order. Ids must have passed
// firstInvalidEmbeddingId and length must be at most tables.maxPositions.
void embeddingsForward(const int32_t *inputIds, const int32_t *tokenTypeIds, const EmbeddingTables &tables,
                       float *y, size_t batch, size_t length, size_t hidden, float eps);

}  // namespace ner
