// Element types and reductions shared by the gloo and the shared-memory paths of the addon.
#pragma once

#include <cstddef>

namespace ner_gloo {

enum class DType { Float32, Float64, Int32, Uint8 };
enum class ReduceOp { Sum, Mean, Max, Min };

size_t elementBytes(DType dtype);

}  // namespace ner_gloo
