#!/usr/bin/env bash
# The GPU check of issue 15, for the lent GPU machine (H100/H200, CUDA 13 driver, PyTorch and nvcc,
# python3, no Node, no network): one command of at most 10 minutes that writes
#   $OUT/gpu-report.json   date, device, driver, CUDA/torch/node versions, git commit, and per step
#                          {ok, status, seconds, results, error}; rewritten after every step, so it is
#                          valid JSON even if the run is killed
#   $OUT/gpu-check.log     everything the steps printed
# It needs tools/gpu-check/payload (made here by tools/gpu-check/pack.sh, carried by the device tool):
# Node (xz), the bundled checks and benches, the cuda addon, fatbin and .cu sources, the fixtures.
#
#   device tool: run  command "bash tools/gpu-check/run.sh"  carry ["tools/gpu-check/payload"]  timeout_s 600
#   here (dry run, no GPU):  OUT=/tmp/gpu-out bash tools/gpu-check/run.sh
#
# Steps, in order (each with its own time limit, none aborts the run; the slowest come last):
#   probe      nvidia-smi, nvcc, torch, node; the package's cudaStatus() and probeCuda()
#   kernels    every kernel on `cuda` against `cpu` on random shapes, relative 1e-5
#   oracle     @ner/models oracle forward / gradient checks on `cuda`, 1e-4, TF32 off
#   train-parity  the Trainer fine-tunes a small BERT and DistilBERT 18 steps on `cuda` and on `cpu`:
#              grad norms, eval loss 1e-4, final weights 1e-3, predictions; dropout against the fake
#   nccl       NcclCommunicator at world size 1: collectives on device buffers against the host,
#              a world-size-2 set-up with no peer must time out and abort (skipped without libnccl)
#   gemm       GEMM TFLOP/s at bert-base shapes, fp32 and TF32, against torch.matmul
#   pipeline   pipeline("ner") latency for one sentence against transformers' pipeline
#   bert-step  bert-base training step (batch 32 x 128) samples/s against PyTorch eager
#   accelerate examples/conll2003-accelerate on cuda, one process (F1)
#   trainer    the main job, examples/conll2003-trainer, with NER_BACKEND=cuda (F1)
# Steps that need the GPU are recorded as skipped, with the probe's reason, when it has none; the
# benches still run their torch peers (recorded as unavailable where torch has no GPU).
# env: GPU_CHECK_BUDGET_S (total seconds for the steps, 550), GPU_CHECK_STEPS (comma list to run;
#      addon and probe always run; join a rerun's report to the first with report.py merge),
#      GPU_CHECK_PAYLOAD (default tools/gpu-check/payload), GPU_CHECK_TRAINER_ARGS and
#      GPU_CHECK_ACCELERATE_ARGS (options added to the two examples, for dry runs)
set -u
cd "$(dirname "$0")/../.." || exit 1
REPO=$PWD
if [ -z "${OUT:-}" ]; then
  echo "run.sh: set OUT to the folder the report is written to" >&2
  exit 2
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PAYLOAD=$(cd "${GPU_CHECK_PAYLOAD:-tools/gpu-check/payload}" 2>/dev/null && pwd || echo "$REPO/tools/gpu-check/payload")
DIST=$PAYLOAD/cuda/dist
WORK=$(mktemp -d /tmp/ner-gpu-check.XXXXXX)
LOG=$OUT/gpu-check.log
REPORT=$OUT/gpu-report.json
BUDGET=${GPU_CHECK_BUDGET_S:-550}
ONLY=${GPU_CHECK_STEPS:-}
START=$(date +%s)
: >"$LOG"

log() { echo "[$(date -u +%H:%M:%S) +$(($(date +%s) - START))s] $*" | tee -a "$LOG"; }
report() { python3 "$REPO/tools/gpu-check/report.py" "$@" 2>>"$LOG"; }
# The addon and probe steps always run: every GPU step needs to know whether there is a device.
wanted() { [ -z "$ONLY" ] || [ "$1" = probe ] || [[ ",$ONLY," == *",$1,"* ]]; }

log "gpu-check in $REPO, payload $PAYLOAD, work $WORK, budget ${BUDGET}s"
report init "$REPORT" --manifest "$PAYLOAD/manifest.json" --budget "$BUDGET"

# Node, carried compressed (xz; Python's lzma when xz is missing).
NODE=$WORK/bin/node
mkdir -p "$WORK/bin"
if [ -f "$PAYLOAD/node.xz" ]; then
  if ! xz -dc "$PAYLOAD/node.xz" >"$NODE" 2>>"$LOG"; then
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
      "$PAYLOAD/node.xz" "$NODE" 2>>"$LOG"
  fi
  chmod +x "$NODE" 2>/dev/null
fi
if ! "$NODE" --version >>"$LOG" 2>&1 && [ -s "$NODE" ]; then
  # /tmp may be mounted noexec: try the payload's folder (writable, inside the repo).
  log "node does not run from $WORK/bin; trying $PAYLOAD/.bin"
  mkdir -p "$PAYLOAD/.bin" && cp "$NODE" "$PAYLOAD/.bin/node" && chmod +x "$PAYLOAD/.bin/node"
  "$PAYLOAD/.bin/node" --version >>"$LOG" 2>&1 && NODE=$PAYLOAD/.bin/node && ln -sf "$NODE" "$WORK/bin/node"
fi
if ! "$NODE" --version >>"$LOG" 2>&1; then
  log "no runnable node from $PAYLOAD/node.xz; trying the PATH's"
  NODE=$(command -v node || echo "$NODE")
fi
export PATH="$WORK/bin:$PATH"
log "node: $("$NODE" --version 2>&1 | head -1)"

# What the steps share: fixtures from the payload, the Python peers from the repo, NVRTC's cache.
export NER_SHARED_DIR=$PAYLOAD/shared
export NER_BENCH_PEERS_DIR=$REPO/tools/bench/peers
export NER_CUDA_CACHE_DIR=$WORK/nvrtc-cache
export PYTHONUNBUFFERED=1
export PYTHONDONTWRITEBYTECODE=1
# The rehearsal on the fake device runs the CUDA peers on the CPU where a python imports torch
# (peers/run_on_cpu.py): the peers and what the benches build from their output get exercised;
# their numbers mean nothing (marked cpuStandIn, and the report NOT_A_GPU_RESULT).
if [ "${NER_GPU_CHECK_FAKE_DEVICE:-}" = 1 ]; then export NER_BENCH_CUDA_PEERS_ON_CPU=1; fi
unset NER_BACKEND NER_CUDA_ALLOW_TF32

log "environment (nvidia-smi, nvcc, torch, transformers, node)"
report env "$REPORT" --node "$NODE" --fatbin "$PAYLOAD/cuda/build/ner_kernels.fatbin"
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["device"], indent=1))' "$REPORT" >>"$LOG" 2>&1

# run_step NAME LIMIT_SECONDS COMMAND...: runs with its limit (cut to what is left of the budget),
# appends its output to the log, records it. The command writes its results to $WORK/NAME.json.
run_step() {
  local name=$1 limit=$2
  shift 2
  local left=$((BUDGET - ($(date +%s) - START)))
  if ((left < 15)); then
    log "step $name: skipped, ${left}s left of the ${BUDGET}s budget"
    report step "$REPORT" "$name" --skipped "not run: ${left}s were left of the ${BUDGET}s budget"
    return
  fi
  ((limit > left)) && limit=$left
  log "step $name (limit ${limit}s): $*"
  local t0
  t0=$(date +%s.%N)
  timeout -k 10 "$limit" "$@" >"$WORK/$name.out" 2>&1
  local rc=$?
  local seconds
  seconds=$(python3 -c "import sys; print(round($(date +%s.%N) - float(sys.argv[1]), 2))" "$t0")
  {
    echo "----- $name output (rc $rc, ${seconds}s) -----"
    cat "$WORK/$name.out"
    echo "----- end of $name -----"
  } >>"$LOG"
  LAST_RC=$rc LAST_SECONDS=$seconds LAST_LIMIT=$limit
  report step "$REPORT" "$name" --rc "$rc" --seconds "$seconds" --limit "$limit" --result "$WORK/$name.json" --output "$WORK/$name.out"
  log "step $name: $(report get "$REPORT" "steps.$name.status") in ${seconds}s"
}

# (a0) the carried addon loads here, or is rebuilt for this machine's glibc and libstdc++
# (ensure-addon.sh; the report's steps.addon says which).
if wanted probe; then
  run_step addon 90 bash "$REPO/tools/gpu-check/ensure-addon.sh" "$NODE" "$PAYLOAD" "$REPO" "$WORK/addon.json"
fi
# (a) probe
if wanted probe; then
  run_step probe 90 "$NODE" "$DIST/probe.js" --json "$WORK/probe.json"
fi
AVAILABLE=$(report get "$REPORT" steps.probe.results.available)
REASON=$(report get "$REPORT" steps.probe.results.reason)
PROBE=probe
# A probe that found no driver or libraries may only have missed them: python3 here can be a venv
# that is not activated (VIRTUAL_ENV unset), so the package does not scan its nvidia/*/lib wheels.
# Probe once more with those folders in NER_CUDA_LIB_DIR (the package's documented override); both
# probes stay in the report, and the steps below run with whichever found the device.
if wanted probe && [ "$AVAILABLE" != "true" ] && [ -z "${NER_CUDA_LIB_DIR:-}" ]; then
  HINT=$(report lib-dirs)
  if [ -n "$HINT" ]; then
    log "probe: retrying with NER_CUDA_LIB_DIR=$HINT"
    export NER_CUDA_LIB_DIR=$HINT
    run_step probe-lib-dir 90 "$NODE" "$DIST/probe.js" --json "$WORK/probe-lib-dir.json"
    if [ "$(report get "$REPORT" steps.probe-lib-dir.results.available)" = "true" ]; then
      PROBE=probe-lib-dir
      AVAILABLE=true
    else
      unset NER_CUDA_LIB_DIR
    fi
  fi
fi
[ -z "$REASON" ] && REASON="the probe gave no answer: $(report get "$REPORT" steps.probe.error | head -c 300)"
gpu_step() {
  local name=$1
  shift
  wanted "$name" || return 0
  if [ "$AVAILABLE" = "true" ]; then
    run_step "$name" "$@"
  else
    log "step $name: skipped: $REASON"
    report step "$REPORT" "$name" --skipped "$REASON"
  fi
}

# (b) kernels, (c) oracle: only with a device.
gpu_step kernels 150 "$NODE" "$DIST/kernels-check.js" --json "$WORK/kernels.json"
# (b2) every KERNEL_ABI kernel and cuBLASLt product variant launched directly against the fake
# device (scripts/gpu-kernel-check.mjs); with the fake device, a rehearsal against a second one.
DRY_RUN=()
[ "${NER_GPU_CHECK_FAKE_DEVICE:-}" = 1 ] && DRY_RUN=(NER_CUDA_CHECK_DRY_RUN=1)
gpu_step device-kernels 60 env OUT= "${DRY_RUN[@]}" "$NODE" "$DIST/device-kernels.js" --no-timing --json "$WORK/device-kernels.json"
gpu_step oracle 90 "$NODE" "$DIST/oracle-check.js" --json "$WORK/oracle.json"
# (c2) whole Trainer runs (BERT, DistilBERT, 18 steps) on cuda against cpu, number by number.
gpu_step train-parity 90 "$NODE" "$DIST/train-parity.js" --json "$WORK/train-parity.json"
# (h) NCCL at world size 1 (issue 17): collectives on device buffers against the host, a dead peer.
gpu_step nccl 45 "$NODE" "$DIST/nccl-check.js" --json "$WORK/nccl.json"
# (d) GEMM, (f) pipeline, (e) bert step: the benches run their torch peers even without our backend.
wanted gemm && run_step gemm 100 "$NODE" "$DIST/cuda-gemm.js" --json "$WORK/gemm.json"
wanted pipeline && run_step pipeline 120 "$NODE" "$DIST/cuda-pipeline.js" --json "$WORK/pipeline.json"
wanted bert-step && run_step bert-step 180 "$NODE" "$DIST/cuda-bert-step.js" --json "$WORK/bert-step.json"

# example_step NAME LIMIT SCRIPT RESULT_COMMAND EXTRA_OPTIONS: one of the examples on cuda with the
# payload's data, then its metrics (report.py RESULT_COMMAND, next to reference/NAME-native.json)
# recorded over the step's first record.
example_step() {
  local name=$1 limit=$2 script=$3 result=$4 extra=$5
  wanted "$name" || return 0
  if [ "$AVAILABLE" != "true" ]; then
    log "step $name: skipped: $REASON"
    report step "$REPORT" "$name" --skipped "$REASON"
    return 0
  fi
  LAST_RC=""
  # A placeholder, so run_step's own record says ok or failed by the exit code alone.
  echo '{"pending": "the metrics are read from the output next"}' >"$WORK/$name.json"
  # shellcheck disable=SC2086 # the extra options are meant to split into words
  run_step "$name" "$limit" env NER_BACKEND=cuda "$NODE" "$DIST/$script" \
    --data "$NER_SHARED_DIR/data/conll2003" --tokenizer "$NER_SHARED_DIR/data/tokenizers/bert-base-cased" \
    --output "$WORK/$name-out" $extra
  [ -n "$LAST_RC" ] || return 0
  report "$result" "$WORK/$name.out" "$WORK/$name-out" --reference "$PAYLOAD/reference/$name-native.json" \
    >"$WORK/$name.json"
  report step "$REPORT" "$name" --rc "$LAST_RC" --seconds "$LAST_SECONDS" --limit "$LAST_LIMIT" \
    --result "$WORK/$name.json" --output "$WORK/$name.out"
  log "step $name: $(report get "$REPORT" "steps.$name.status"), F1 $(report get "$REPORT" "steps.$name.results.eval_f1")"
}

# (h) examples/conll2003-accelerate (the Accelerator's custom loop) on cuda, one process, its
# defaults (1,000 sentences, 2 epochs); F1 from its metrics.jsonl next to pack.sh's native
# reference of the same run. GPU_CHECK_ACCELERATE_ARGS adds options (a fake-device dry run: --smoke).
example_step accelerate 120 conll2003-accelerate.js accelerate-result "${GPU_CHECK_ACCELERATE_ARGS:-}"

# (g) the main job with its defaults (all of CoNLL-2003 train with two augmented copies, 2 epochs,
# the full validation set) on cuda; F1 from its log and trainer_state.json next to the reference
# that pack.sh measured on `native` with the same seed. GPU_CHECK_TRAINER_ARGS adds options.
example_step trainer 200 conll2003-trainer.js trainer-result "${GPU_CHECK_TRAINER_ARGS:-}"

# (i) the NVRTC path on the real driver, with what is left of the budget: the kernels once more
# (one random draw each) with NER_CUDA_FORCE_NVRTC=1 and an empty cache, so the device compiles
# them with this machine's NVRTC (PyTorch's wheel has one) and loads that cubin instead of the
# fatbin. targets.nvrtcKernelsWithin1e-5 also needs status.device.kernelSource to say nvrtc.
gpu_step kernels-nvrtc 60 env NER_CUDA_FORCE_NVRTC=1 NER_CUDA_CACHE_DIR="$WORK/nvrtc-forced" NER_GPU_KERNEL_DRAWS=1 \
  "$NODE" "$DIST/kernels-check.js" --json "$WORK/kernels-nvrtc.json"

report finish "$REPORT" --seconds "$(($(date +%s) - START))" | tee -a "$LOG"
log "report: $REPORT; log: $LOG"
rm -rf "$WORK" "$PAYLOAD/.bin"
exit 0
