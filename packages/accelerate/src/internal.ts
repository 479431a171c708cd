/**
 * @ner/accelerate/internal: helpers behind the Accelerator, for tools and tests of this
 * repository (and @ner/trainer). No compatibility promise: names and signatures may change in
 * any release. Users import from `@ner/accelerate`.
 */
export {
  concatHost,
  decodeHost,
  encodeHost,
  fromHost,
  padHost,
  sliceRows,
  toHost,
  toHostAsync,
} from './host-array.js';
export { LAUNCH_USAGE, parseLaunchArgs } from './launcher/launch-args.js';
export { THREAD_ENV_KEYS, threadEnv } from './launcher/thread-env.js';
export { readProcessGroupEnv } from './process-group/env.js';
export { createGlooBackend } from './backends/gloo.js';
export { type CudaModule, createNcclBackend } from './backends/nccl.js';
export { accumulateGrads, scaleGrads } from './grad-accumulation.js';
