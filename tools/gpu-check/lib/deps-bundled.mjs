// deps.mjs for the bundles of tools/gpu-check/pack.sh: the same exports from static imports, so
// esbuild puts tfjs-core, the cpu backend and the @ner packages into the payload. pack.sh resolves
// '@ner/tfjs-backend-cuda' (and '/addon') to the package's dist/, or to cuda-not-built.mjs when it
// has not been built; the bundles then report "not built" instead of failing.
import * as tf from '@tensorflow/tfjs-core';
import * as cpuBackend from '@tensorflow/tfjs-backend-cpu';
import * as models from '@ner/models';
import * as pipelineLib from '@ner/pipeline';
import * as pipelineInternal from '@ner/pipeline/internal';
import * as cuda from '@ner/tfjs-backend-cuda';
import * as cudaAddon from '@ner/tfjs-backend-cuda/addon';
import * as trainer from '@ner/trainer';
import { registerShimTarget } from './module-shims.mjs';

export const bundled = true;
export { models, pipelineInternal, pipelineLib, tf, trainer };

// @ner/models' initBackend imports backend packages by a variable name at run time; the payload's
// node_modules/ holds small shims that hand back these very modules (see module-shims.mjs).
registerShimTarget('@tensorflow/tfjs-backend-cpu', cpuBackend);
/** The stub's reason when pack.sh found the package unbuilt (read through a function: no bundler warning). */
const notBuilt = (namespace) => namespace.__gpuCheckNotBuilt;

if (!notBuilt(cuda)) registerShimTarget('@ner/tfjs-backend-cuda', cuda);

export async function importCuda() {
  return notBuilt(cuda) ? { module: null, reason: notBuilt(cuda) } : { module: cuda, reason: null };
}

export async function importCudaAddon() {
  return notBuilt(cudaAddon)
    ? { module: null, reason: notBuilt(cudaAddon) }
    : { module: cudaAddon, reason: null };
}
