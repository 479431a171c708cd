#include "collectives.h"

#include <cstring>
#include <numeric>
#include <stdexcept>

#include <gloo/allgatherv.h>
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/math.h>

namespace ner_gloo {
namespace {

template <typename T>
gloo::AllreduceOptions::Func reduceFunction(ReduceOp op) {
  // gloo has no mean: it is a sum, divided afterwards (as torch does for gloo's AVG).
  using Fn = void (*)(void*, const void*, const void*, size_t);
  switch (op) {
    case ReduceOp::Max: return static_cast<Fn>(&gloo::max<T>);
    case ReduceOp::Min: return static_cast<Fn>(&gloo::min<T>);
    case ReduceOp::Sum:
    case ReduceOp::Mean: return static_cast<Fn>(&gloo::sum<T>);
  }
  throw std::invalid_argument("unknown reduce op");
}

template <typename T>
void divideInPlace(T* data, size_t count, int by) {
  // Integers divide with C++ semantics (truncation toward zero), floats exactly as x / n.
  for (size_t i = 0; i < count; i++) data[i] = static_cast<T>(data[i] / static_cast<T>(by));
}

template <typename T>
void allReduceTyped(const std::shared_ptr<gloo::Context>& context, uint32_t tag, T* data,
                    size_t count, ReduceOp op) {
  if (count > 0 && context->size > 1) {
    gloo::AllreduceOptions opts(context);
    opts.setOutput(data, count);
    opts.setReduceFunction(reduceFunction<T>(op));
    opts.setTag(tag);
    gloo::allreduce(opts);
  }
  if (op == ReduceOp::Mean) divideInPlace(data, count, context->size);
}

}  // namespace

size_t elementBytes(DType dtype) {
  switch (dtype) {
    case DType::Float32: return 4;
    case DType::Float64: return 8;
    case DType::Int32: return 4;
    case DType::Uint8: return 1;
  }
  return 1;
}

void allReduce(const Group& group, uint32_t tag, void* data, size_t count, DType dtype, ReduceOp op) {
  if (group.shm && dtype != DType::Uint8) return group.shm->allReduce(data, count, dtype, op);
  const auto& context = group.context;
  switch (dtype) {
    case DType::Float32: return allReduceTyped(context, tag, static_cast<float*>(data), count, op);
    case DType::Float64: return allReduceTyped(context, tag, static_cast<double*>(data), count, op);
    case DType::Int32: return allReduceTyped(context, tag, static_cast<int32_t*>(data), count, op);
    case DType::Uint8: throw std::invalid_argument("allReduce does not take Uint8Array");
  }
}

void allGatherV(const Group& group, uint32_t tag, const void* input, void* output,
                const std::vector<size_t>& counts, DType dtype) {
  // Gathering only copies bytes, so every element type travels as chars.
  const size_t bytes = elementBytes(dtype);
  std::vector<size_t> byteCounts(counts.size());
  for (size_t i = 0; i < counts.size(); i++) byteCounts[i] = counts[i] * bytes;
  const size_t total = std::accumulate(byteCounts.begin(), byteCounts.end(), size_t{0});
  if (total == 0) return;
  const auto& context = group.context;
  if (context->size == 1) {
    std::memcpy(output, input, total);
    return;
  }
  if (group.shm) return group.shm->allGatherV(input, output, byteCounts);
  gloo::AllgathervOptions opts(context);
  // gloo reads the input pointer even for an empty block; give it the output's own slot then.
  const size_t rank = static_cast<size_t>(context->rank);
  size_t offset = std::accumulate(byteCounts.begin(), byteCounts.begin() + rank, size_t{0});
  char* out = static_cast<char*>(output);
  if (byteCounts[rank] > 0) {
    opts.setInput(const_cast<char*>(static_cast<const char*>(input)), byteCounts[rank]);
  } else {
    opts.setInput(out + offset, 0);
  }
  opts.setOutput(out, byteCounts);
  opts.setTag(tag);
  gloo::allgatherv(opts);
}

void broadcast(const Group& group, uint32_t tag, void* data, size_t count, DType dtype, int root) {
  const size_t total = count * elementBytes(dtype);
  if (total == 0 || group.context->size == 1) return;
  if (group.shm) return group.shm->broadcast(data, total, root);
  gloo::BroadcastOptions opts(group.context);
  opts.setOutput(static_cast<char*>(data), total);
  opts.setRoot(root);
  opts.setTag(tag);
  gloo::broadcast(opts);
}

void reduceScatter(const Group& group, uint32_t tag, const void* input, void* output,
                   const std::vector<size_t>& counts, DType dtype, ReduceOp op) {
  // An all-reduce into scratch memory, then this rank's block: the input stays untouched (as
  // torch's reduce_scatter leaves it) and every world size works, at twice the bytes of an
  // optimal reduce-scatter.
  const size_t bytes = elementBytes(dtype);
  const size_t total = std::accumulate(counts.begin(), counts.end(), size_t{0});
  std::vector<char> scratch(total * bytes);
  if (!scratch.empty()) std::memcpy(scratch.data(), input, scratch.size());
  allReduce(group, tag, scratch.data(), total, dtype, op);
  const size_t rank = static_cast<size_t>(group.context->rank);
  const size_t offset = std::accumulate(counts.begin(), counts.begin() + rank, size_t{0});
  if (counts[rank] > 0) std::memcpy(output, scratch.data() + offset * bytes, counts[rank] * bytes);
}

void barrier(const Group& group, uint32_t tag) {
  if (group.context->size == 1) return;
  if (group.shm) return group.shm->barrier();
  gloo::BarrierOptions opts(group.context);
  opts.setTag(tag);
  gloo::barrier(opts);
}

}  // namespace ner_gloo
