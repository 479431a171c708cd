// Stress harness for src/threads.test.ts: worker_threads calling the addon's matrix products at
// the same time, each product checked against a float64 product computed here in JS.
//
//   node src/threads-stress.cjs <addonPath> <workers> <iterations>
//
// Plain CommonJS run as its own process (not inside vitest): a thread-safety bug in the addon can
// abort the process ("double free or corruption"), and that must fail the test, not kill the runner.
// Prints one JSON line: { panel, threadsBefore, threadsAfter, workers: [{ checked, worst, failures }],
// afterExit: the same for products on the main thread once the workers have exited }.
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const { mulberry32: rng, uniformFloat32 } = require('../../../tools/test-support/random.cjs');

const randomArray = (random, size) => uniformFloat32(random, size, -1, 1);

// C = op(A) @ op(B) in float64, with sum |a||b| per entry for a rounding bound.
function reference(a, b, m, n, k, transA, transB) {
  const c = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? a[p * m + i] : a[i * k + p];
        const y = transB ? b[j * k + p] : b[p * n + j];
        s += x * y;
        abs += Math.abs(x * y);
      }
      c[i * n + j] = s;
      bound[i * n + j] = abs;
    }
  }
  return { c, bound };
}

// The largest |got - want| / (1e-6 + 4e-6 * sum |a||b|): above 1 is a wrong product (float32
// accumulation over k <= 512 stays far below that bound).
function worstRatio(got, want, bound, offset) {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const ratio = Math.abs(got[offset + i] - want[i]) / (1e-6 + 4e-6 * bound[i]);
    if (!(ratio <= worst)) worst = ratio;
  }
  return worst;
}

// [m, n, k, kind]: 'gemm' goes through gemm() (panel kernel with its scratch buffer, or OpenBLAS),
// 'batch' through gemm() with several products (the one-entry-per-thread path), 'packed' through
// packPanels + gemmPacked (the few-row path of packed weight copies).
const SHAPES = [
  [128, 192, 256, 'gemm'],
  [200, 160, 96, 'gemm'],
  [64, 512, 384, 'gemm'],
  [7, 300, 130, 'gemm'],
  [16, 24, 32, 'batch'],
  [30, 96, 128, 'packed'],
  [5, 250, 64, 'packed'],
];

function runWorker({ addonPath, seed, iterations }) {
  const addon = require(addonPath);
  const random = rng(seed);
  const panel = addon.panelGemmEnabled();
  let checked = 0;
  let worst = 0;
  const failures = [];
  for (let it = 0; it < iterations; it++) {
    const [m, n, k, kind] = SHAPES[Math.floor(random() * SHAPES.length)];
    if (kind === 'packed' && !panel) continue;
    const transA = kind === 'gemm' && random() < 0.5;
    const transB = kind !== 'packed' && random() < 0.5;
    const batch = kind === 'batch' ? 6 : 1;
    const a = randomArray(random, batch * m * k);
    const b = randomArray(random, batch * k * n);
    const c = new Float32Array(batch * m * n);
    if (kind === 'packed') {
      const packed = new Float32Array(addon.packedPanelsSize(k, n));
      addon.packPanels(b, false, k, n, packed);
      addon.gemmPacked(a, packed, c, m, n, k, null);
    } else {
      const offsets = (size) => Int32Array.from({ length: batch }, (_, i) => i * size);
      addon.gemm(a, b, c, offsets(m * k), offsets(k * n), m, n, k, transA, transB);
    }
    for (let i = 0; i < batch; i++) {
      const ref = reference(a.subarray(i * m * k), b.subarray(i * k * n), m, n, k, transA, transB);
      const ratio = worstRatio(c, ref.c, ref.bound, i * m * n);
      checked++;
      if (!(ratio <= worst)) worst = ratio;
      if (!(ratio <= 1) && failures.length < 5) failures.push({ m, n, k, kind, transA, transB, ratio });
    }
  }
  return { checked, worst, failures };
}

async function main() {
  const [addonPath, workers, iterations] = process.argv.slice(2);
  const addon = require(addonPath);
  // A setting made before the workers load the addon must survive their loads (process-wide).
  addon.setNumThreads(3);
  const threadsBefore = addon.getNumThreads();
  const results = await Promise.all(
    Array.from(
      { length: Number(workers) },
      (_, w) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(__filename, {
            workerData: { addonPath, seed: 1000 + w, iterations: Number(iterations) },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`worker ${w} exited with code ${code}`));
          });
        }),
    ),
  );
  const threadsAfter = addon.getNumThreads();
  // The workers have exited (their environments torn down, their thread_local buffers freed):
  // the addon must still work on this thread, with the shared pool and buffers intact.
  const afterExit = runWorker({ addonPath, seed: 999, iterations: 10 });
  process.stdout.write(
    `${JSON.stringify({ panel: addon.panelGemmEnabled(), threadsBefore, threadsAfter, workers: results, afterExit })}\n`,
  );
}

if (isMainThread) {
  main().catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
} else {
  parentPort.postMessage(runWorker(workerData));
}
