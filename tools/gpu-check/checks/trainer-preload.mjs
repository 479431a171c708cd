// Runs before examples/conll2003-trainer/src/main.ts in the bundle trainer-main.mjs: loads the
// packages through deps.mjs (which registers the module shims @ner/models' initBackend imports),
// keeps TF32 off, and prints the cuda backend's counters when the process ends, as one line
// `GPU_CHECK_CUDA_STATS {...}` that run.sh puts into the report.
import { deviceCounters, fallbackCounts, loadCuda, setTf32 } from '../lib/cuda.mjs';
import { tf } from '../lib/deps.mjs';

const cuda = await loadCuda();
setTf32(false);
process.on('exit', () => {
  const stats = {
    backend: tf.getBackend(),
    cudaAvailable: cuda.available,
    cudaReason: cuda.reason,
    fallbacks: fallbackCounts(),
    deviceCounters: deviceCounters(),
    numTensors: tf.memory().numTensors,
  };
  console.log(`GPU_CHECK_CUDA_STATS ${JSON.stringify(stats)}`);
});
