/**
 * Kernels without a device version run on tfjs' cpu backend: the inputs are downloaded into a
 * private `MathBackendCPU`, its registered kernel runs, and the outputs are uploaded. Each use
 * is counted by kernel name ({@link getFallbackCounts}); `NER_CUDA_LOG_FALLBACKS=1` prints the
 * first use of each. A BERT training step is tested to need none.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CudaBackend } from './backend.js';

const counts = new Map<string, number>();
const logged = new Set<string>();

/** How many times each kernel fell back to the cpu since the last reset (empty when none did). */
export function getFallbackCounts(): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** Forgets the fallback counts (and which kernels were logged). */
export function resetFallbackCounts(): void {
  counts.clear();
  logged.clear();
}

/** Arguments a kernel function receives on the cuda backend. */
export interface CudaKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: CudaBackend;
  attrs?: tf.NamedAttrMap;
}

function note(kernelName: string, why: string | undefined): void {
  counts.set(kernelName, (counts.get(kernelName) ?? 0) + 1);
  if (process.env.NER_CUDA_LOG_FALLBACKS === '1' && !logged.has(kernelName)) {
    logged.add(kernelName);
    console.warn(`[@ner/tfjs-backend-cuda] ${kernelName} runs on the cpu (fallback${why ? `: ${why}` : ''})`);
  }
}

/** Runs `cpuKernel` on copies of the inputs in the private cpu backend; uploads the outputs. */
export function runOnCpu(
  kernelName: string,
  cpuKernel: tf.KernelFunc,
  args: CudaKernelArgs,
  why?: string,
): tf.TensorInfo | tf.TensorInfo[] {
  note(kernelName, why);
  const backend = args.backend;
  const cpu = backend.cpuBackend();
  const created: tf.DataId[] = [];
  const inputs: tf.NamedTensorInfoMap = {};
  for (const [name, t] of Object.entries(args.inputs)) {
    if (!t) continue;
    const dataId = cpu.write(backend.readSync(t.dataId), [...t.shape], t.dtype);
    created.push(dataId);
    inputs[name] = { dataId, shape: t.shape, dtype: t.dtype };
  }
  try {
    const result = cpuKernel({ inputs, attrs: args.attrs ?? {}, backend: cpu });
    const outputs = Array.isArray(result) ? result : [result];
    for (const out of outputs) created.push(out.dataId);
    const uploaded = outputs.map((out) =>
      backend.makeTensorInfo(out.shape, out.dtype, cpu.readSync(out.dataId) as tf.backend_util.BackendValues),
    );
    return Array.isArray(result) ? uploaded : uploaded[0]!;
  } finally {
    for (const dataId of new Set(created)) cpu.disposeData(dataId, true);
  }
}
