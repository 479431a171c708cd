#!/usr/bin/env node
// Step `nccl` of the GPU check (issue 17): @ner/tfjs-backend-cuda's NcclCommunicator with world
// size 1 on the real device (one GPU: multi-GPU cannot be tested here). Each collective runs on the
// device buffers of `cuda` tensors, right after the kernels that produced them (stream order), and
// is compared with the result computed on the host: all-reduce (sum, max, min, avg; float32 and
// int32, in place), all-gather and reduce-scatter (new outputs: the data must really be copied),
// broadcast from root 0. Then a set-up of world size 2 that only rank 0 joins must time out and
// abort (the dead-peer path, on real NCCL), and a 16 MiB all-reduce is timed (at world size 1 NCCL
// only copies: a latency, not a bandwidth). Without libnccl the step is recorded as skipped with
// the package's reason.
//
//   node tools/gpu-check/checks/nccl-check.mjs [--json out.json]
//   env: NER_GPU_NCCL_TIMEOUT_MS (the dead-peer deadline, 3000)
import { envNumber, firstLine, randomArray, writeJsonResult } from '../lib/common.mjs';
import { loadCuda, plain, useCuda } from '../lib/cuda.mjs';
import { tf } from '../lib/deps.mjs';

const deadPeerTimeoutMs = envNumber('NER_GPU_NCCL_TIMEOUT_MS', 3000);
const result = { available: false, status: null, cases: [], passed: 0, failed: 0 };

function record(name, ok, details = {}) {
  result.cases.push({ name, ok, ...details });
  if (ok) result.passed += 1;
  else result.failed += 1;
  console.log(`${ok ? 'ok    ' : 'FAILED'} ${name}${details.error ? `: ${details.error}` : ''}`);
}

/** Elementwise equality of two typed arrays; the first index that differs, or -1. */
function firstDifference(actual, expected) {
  if (actual.length !== expected.length) return 0;
  for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) return i;
  return -1;
}

async function check(name, run) {
  try {
    const { actual, expected } = await run();
    const at = firstDifference(actual, expected);
    record(
      name,
      at < 0,
      at < 0
        ? { elements: expected.length }
        : { error: `differs at ${at}: ${actual[at]} vs ${expected[at]}` },
    );
  } catch (error) {
    record(name, false, { error: firstLine(error) });
  }
}

const cuda = await loadCuda();
const used = await useCuda();
const mod = cuda.module;
if (!used.ok || typeof mod?.NcclCommunicator !== 'function') {
  result.skippedReason = used.ok ? 'the package exports no NcclCommunicator' : used.reason;
  writeJsonResult(result);
  console.log(`skipped: ${result.skippedReason}`);
  process.exit(0);
}
result.status = plain(mod.ncclStatus());
if (!result.status?.available) {
  result.skippedReason = result.status?.reason ?? 'ncclStatus() gave no reason';
  writeJsonResult(result);
  console.log(`skipped: ${result.skippedReason}`);
  process.exit(0);
}
result.available = true;
result.fake = cuda.fake === true;
console.log(`NCCL ${result.status.version} from ${result.status.library}`);

const comm = await mod.NcclCommunicator.init(mod.ncclGetUniqueId(), 1, 0, { timeoutMs: 60_000 });
const tensorsBefore = tf.memory().numTensors;
const n = 100_003; // odd: no size NCCL could round
const floats = Float32Array.from(randomArray(n, 17), (v) => v * 4 - 2);
const ints = Int32Array.from(randomArray(n, 18), (v) => Math.round(v * 2000 - 1000));

for (const [dtype, host] of [
  ['float32', floats],
  ['int32', ints],
]) {
  for (const op of dtype === 'float32' ? ['sum', 'max', 'min', 'avg'] : ['sum', 'max', 'min']) {
    await check(`allReduce ${op} ${dtype}, in place after a kernel`, async () => {
      // x = (host + 1) - 1 on the device: the collective must run after these kernels on the stream.
      const x = tf.tidy(() => tf.sub(tf.add(tf.tensor1d(host, dtype), 1), 1));
      await comm.allReduce(x, op);
      const actual = await x.data();
      x.dispose();
      const expected = dtype === 'float32' ? host.map((v) => Math.fround(Math.fround(v + 1) - 1)) : host;
      return { actual, expected };
    });
  }
  await check(`allGather ${dtype} [2, ${(n - 1) / 2}] -> [2, ...]`, async () => {
    const x = tf.tensor2d(host.subarray(0, n - 1), [2, (n - 1) / 2], dtype);
    const gathered = await comm.allGather(x);
    const actual = await gathered.data();
    const shapeOk = gathered.shape.join() === x.shape.join();
    tf.dispose([x, gathered]);
    if (!shapeOk) throw new Error(`shape [${gathered.shape}], expected [${x.shape}]`);
    return { actual, expected: host.subarray(0, n - 1) };
  });
  await check(`reduceScatter sum ${dtype}`, async () => {
    const x = tf.tensor1d(host, dtype);
    const mine = await comm.reduceScatter(x, 'sum');
    const actual = await mine.data();
    tf.dispose([x, mine]);
    return { actual, expected: host };
  });
  await check(`broadcast ${dtype} from root 0`, async () => {
    const x = tf.tensor1d(host, dtype);
    await comm.broadcast(x, 0);
    const actual = await x.data();
    x.dispose();
    return { actual, expected: host };
  });
}
record('no tensor leaked by the collectives', tf.memory().numTensors === tensorsBefore, {
  error:
    tf.memory().numTensors === tensorsBefore
      ? undefined
      : `${tf.memory().numTensors - tensorsBefore} more tensors`,
});

// 16 MiB all-reduce: latency at world size 1 (median of 20 after 3 warm-ups).
try {
  const x = tf.zeros([4 * 1024 * 1024]);
  const times = [];
  for (let i = 0; i < 23; i++) {
    const t0 = performance.now();
    await comm.allReduce(x, 'sum');
    if (i >= 3) times.push(performance.now() - t0);
  }
  x.dispose();
  times.sort((a, b) => a - b);
  result.allReduce16MiBMs = { p50: times[10], min: times[0], max: times.at(-1) };
  console.log(`16 MiB allReduce at world size 1: p50 ${times[10].toFixed(3)} ms`);
} catch (error) {
  record('16 MiB allReduce timing', false, { error: firstLine(error) });
}
comm.destroy();

// A peer that never comes: world size 2 with only rank 0 must fail within the deadline and abort.
if (!result.fake) {
  const t0 = performance.now();
  try {
    await mod.NcclCommunicator.init(mod.ncclGetUniqueId(), 2, 0, { timeoutMs: deadPeerTimeoutMs });
    record('a missing peer times out', false, { error: 'init of world size 2 succeeded with one rank' });
  } catch (error) {
    const seconds = (performance.now() - t0) / 1000;
    const ok = error?.name === 'NcclTimeoutError' && seconds < deadPeerTimeoutMs / 1000 + 5;
    record('a missing peer times out and aborts', ok, {
      seconds,
      message: firstLine(error),
      error: ok ? undefined : firstLine(error),
    });
  }
}

console.log(`\n${result.passed} passed, ${result.failed} failed`);
writeJsonResult(result);
process.exit(result.failed > 0 ? 1 : 0);
