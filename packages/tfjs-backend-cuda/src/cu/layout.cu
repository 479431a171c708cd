// Data movement: transpose, gather, segment sum and scatter (atomicAdd), pad, strided slice and
// the 2-D copy concat uses. All 32-bit elements, copied as unsigned bits. Element indices are
// split into coordinates with 32-bit division (every tensor has fewer than 2^31 elements; 64-bit
// division is emulated on a GPU, many instructions per element).
#include "ner_dims.cuh"

extern "C" __global__ void ner_transpose_32(const void *x, void *y, int n, NerDims d) {
  const unsigned *xs = static_cast<const unsigned *>(x);
  unsigned *ys = static_cast<unsigned *>(y);
  NER_GRID_LOOP(i, n) ys[i] = xs[nerOffset(i, d.a, d.b, d.rank)];
}

extern "C" __global__ void ner_gather_32(const void *x, const int *idx, void *y, int outer, int numIdx, int inner,
                                         int axisDim) {
  const unsigned *xs = static_cast<const unsigned *>(x);
  unsigned *ys = static_cast<unsigned *>(y);
  const long long total = (long long)outer * numIdx * inner;
  NER_GRID_LOOP(t, total) {
    const unsigned flat = (unsigned)t;
    const unsigned j = flat % (unsigned)inner;
    const unsigned oi = flat / (unsigned)inner;
    const unsigned i = oi % (unsigned)numIdx;
    const unsigned o = oi / (unsigned)numIdx;
    const int k = idx[i];
    ys[t] = (k >= 0 && k < axisDim) ? xs[((long long)o * axisDim + k) * inner + j] : 0u;
  }
}

extern "C" __global__ void ner_segment_sum_f32(const float *x, const int *seg, float *y, int rows, int inner,
                                               int numSegments) {
  const long long total = (long long)rows * inner;
  NER_GRID_LOOP(t, total) {
    const unsigned r = (unsigned)t / (unsigned)inner;
    const unsigned j = (unsigned)t - r * (unsigned)inner;
    const int s = seg[r];
    if (s >= 0 && s < numSegments) atomicAdd(y + (long long)s * inner + j, x[t]);
  }
}

extern "C" __global__ void ner_scatter_nd_f32(const int *indices, const float *updates, float *y, int numUpdates,
                                              int indexDepth, int sliceSize, int outSize, NerDims d) {
  const long long total = (long long)numUpdates * sliceSize;
  const int depth = indexDepth < NER_MAX_RANK ? indexDepth : NER_MAX_RANK;
  NER_GRID_LOOP(t, total) {
    const long long u = (unsigned)t / (unsigned)sliceSize;
    const long long j = t - u * sliceSize;
    long long offset = 0;
    for (int k = 0; k < depth; k++) offset += (long long)indices[u * indexDepth + k] * d.a[k];
    // A slice that does not fit entirely inside y is skipped as a whole.
    if (offset >= 0 && offset + sliceSize <= outSize && indexDepth <= NER_MAX_RANK) atomicAdd(y + offset + j, updates[t]);
  }
}

extern "C" __global__ void ner_pad_32(const void *x, void *y, int n, unsigned value, NerDims d) {
  const unsigned *xs = static_cast<const unsigned *>(x);
  unsigned *ys = static_cast<unsigned *>(y);
  NER_GRID_LOOP(i, n) {
    long long flat = i, src = 0, stride = 1;
    bool inside = true;
    for (int k = d.rank - 1; k >= 0; k--) {
      const int dim = d.a[k];
      const long long coord = dim > 0 ? flat % dim : 0;
      flat = dim > 0 ? flat / dim : 0;
      const long long c = coord - d.c[k];
      if (c < 0 || c >= d.b[k]) inside = false;
      src += c * stride;
      stride *= d.b[k];
    }
    ys[i] = inside ? xs[src] : value;
  }
}

extern "C" __global__ void ner_slice_32(const void *x, void *y, int n, int offset, NerDims d) {
  const unsigned *xs = static_cast<const unsigned *>(x);
  unsigned *ys = static_cast<unsigned *>(y);
  NER_GRID_LOOP(i, n) ys[i] = xs[offset + nerOffset(i, d.a, d.b, d.rank)];
}

extern "C" __global__ void ner_copy_2d_32(const void *src, void *dst, int rows, int cols, int srcStride,
                                          int dstStride, int dstOffset) {
  const unsigned *s = static_cast<const unsigned *>(src);
  unsigned *t = static_cast<unsigned *>(dst);
  const long long total = (long long)rows * cols;
  NER_GRID_LOOP(i, total) {
    const long long r = (unsigned)i / (unsigned)cols;
    const long long c = i - r * cols;
    t[dstOffset + r * dstStride + c] = s[r * srcStride + c];
  }
}
