// The collectives the addon runs, on raw host memory, off the main thread. Each call blocks the
// calling (libuv pool) thread until the data is there or the context's timeout expires, and
// throws std::exception subclasses (gloo's IoException on a timeout or a dead peer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <gloo/context.h>

namespace ner_gloo {

enum class DType { Float32, Float64, Int32, Uint8 };
enum class ReduceOp { Sum, Mean, Max, Min };

size_t elementBytes(DType dtype);

// In place: `data` holds `count` elements of `dtype` and ends with the reduction of all ranks'.
void allReduce(const std::shared_ptr<gloo::Context>& context, uint32_t tag, void* data,
               size_t count, DType dtype, ReduceOp op);

// `output` holds counts[0] + ... + counts[size-1] elements; `input` holds counts[rank].
void allGatherV(const std::shared_ptr<gloo::Context>& context, uint32_t tag, const void* input,
                void* output, const std::vector<size_t>& counts, DType dtype);

void broadcast(const std::shared_ptr<gloo::Context>& context, uint32_t tag, void* data,
               size_t count, DType dtype, int root);

// Reduces `input` (sum(counts) elements, left unchanged) across ranks and writes this rank's
// block (counts[rank] elements) to `output`.
void reduceScatter(const std::shared_ptr<gloo::Context>& context, uint32_t tag, const void* input,
                   void* output, const std::vector<size_t>& counts, DType dtype, ReduceOp op);

void barrier(const std::shared_ptr<gloo::Context>& context, uint32_t tag);

}  // namespace ner_gloo
