// The collectives the addon runs, on raw host memory, off the main thread. Each call blocks the
// calling (libuv pool) thread until the data is there or the group's timeout expires, and
// throws std::exception subclasses (gloo's IoException, or the shared-memory path's
// runtime_error, on a timeout or a dead peer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <gloo/context.h>

#include "shm_group.h"
#include "types.h"

namespace ner_gloo {

// A connected group: gloo's context, and the shared-memory path when every rank is on this
// host (then all-reduce, all-gather, broadcast and barrier go through it; null otherwise).
struct Group {
  std::shared_ptr<gloo::Context> context;
  std::shared_ptr<ShmGroup> shm;
};

// In place: `data` holds `count` elements of `dtype` and ends with the reduction of all ranks'.
void allReduce(const Group& group, uint32_t tag, void* data,
               size_t count, DType dtype, ReduceOp op);

// `output` holds counts[0] + ... + counts[size-1] elements; `input` holds counts[rank].
void allGatherV(const Group& group, uint32_t tag, const void* input,
                void* output, const std::vector<size_t>& counts, DType dtype);

void broadcast(const Group& group, uint32_t tag, void* data,
               size_t count, DType dtype, int root);

// Reduces `input` (sum(counts) elements, left unchanged) across ranks and writes this rank's
// block (counts[rank] elements) to `output`.
void reduceScatter(const Group& group, uint32_t tag, const void* input,
                   void* output, const std::vector<size_t>& counts, DType dtype, ReduceOp op);

void barrier(const Group& group, uint32_t tag);

}  // namespace ner_gloo
