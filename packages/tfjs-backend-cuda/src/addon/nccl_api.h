// The parts of NCCL (libnccl.so.2) this addon calls, declared here so it builds without NCCL's
// header: the library is opened with dlopen at run time (nccl.cc). Values are those of the
// public nccl.h; the entry points' ABI has been stable since NCCL 2.0, and ncclConfig_t is read
// by NCCL according to its own `size` and `version` fields, so the short prefix below (the
// fields of NCCL 2.14) is accepted by every later version.
#pragma once

#include <cstddef>

#include "cuda_api.h"

namespace ner::cuda {

using ncclResult_t = int;
using ncclComm_t = struct ncclComm *;
using ncclDataType_t = int;
using ncclRedOp_t = int;

/** 128 opaque bytes that rank 0 makes and every rank passes to ncclCommInitRank. */
constexpr size_t kNcclUniqueIdBytes = 128;
struct ncclUniqueId {
  char internal[kNcclUniqueIdBytes];
};

enum : ncclResult_t { ncclSuccess = 0, ncclInvalidArgument = 4, ncclInProgress = 7 };
enum : ncclDataType_t { ncclInt32 = 2, ncclFloat32 = 7 };
enum : ncclRedOp_t { ncclSum = 0, ncclMax = 2, ncclMin = 3, ncclAvg = 4 };  // ncclAvg since NCCL 2.10

/** NCCL_VERSION(2, 14, 0): the oldest NCCL with nonblocking communicators (ncclCommInitRankConfig). */
constexpr int kNcclMinVersion = 21400;

/** The 2.14 prefix of ncclConfig_t; NCCL fills the fields after `blocking` with its defaults. */
struct NcclConfigV214 {
  size_t size;
  unsigned int magic;    // 0xcafebeef, as NCCL_CONFIG_INITIALIZER sets it
  unsigned int version;  // the config layout's version: 21400
  int blocking;
};
constexpr unsigned int kNcclConfigMagic = 0xcafebeef;

struct NcclApi {
  ncclResult_t (*ncclGetVersion)(int *);
  ncclResult_t (*ncclGetUniqueId)(ncclUniqueId *);
  ncclResult_t (*ncclCommInitRankConfig)(ncclComm_t *, int nranks, ncclUniqueId id, int rank, NcclConfigV214 *);
  ncclResult_t (*ncclCommGetAsyncError)(ncclComm_t, ncclResult_t *);
  ncclResult_t (*ncclCommFinalize)(ncclComm_t);
  ncclResult_t (*ncclCommDestroy)(ncclComm_t);
  ncclResult_t (*ncclCommAbort)(ncclComm_t);
  const char *(*ncclGetErrorString)(ncclResult_t);
  const char *(*ncclGetLastError)(ncclComm_t);  // since 2.13; may be absent
  ncclResult_t (*ncclAllReduce)(const void *send, void *recv, size_t count, ncclDataType_t, ncclRedOp_t, ncclComm_t,
                                CUstream);
  ncclResult_t (*ncclAllGather)(const void *send, void *recv, size_t sendCount, ncclDataType_t, ncclComm_t, CUstream);
  ncclResult_t (*ncclBroadcast)(const void *send, void *recv, size_t count, ncclDataType_t, int root, ncclComm_t,
                                CUstream);
  ncclResult_t (*ncclReduceScatter)(const void *send, void *recv, size_t recvCount, ncclDataType_t, ncclRedOp_t,
                                    ncclComm_t, CUstream);
};

}  // namespace ner::cuda
