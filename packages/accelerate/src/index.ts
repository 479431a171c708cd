/**
 * @ner/accelerate: Hugging Face accelerate for @ner. An `Accelerator` for hand-written training
 * loops (sharded loaders, gradient averaging, gather / pad / reduce for metrics), process groups
 * like `torch.distributed` with a TCP rendezvous store, and `ner-launch`, the launcher with
 * torchrun's flags and environment.
 *
 * Helpers behind it live in `@ner/accelerate/internal` (no compatibility promise).
 */
export { Accelerator, type AcceleratorOptions, type MixedPrecision } from './accelerator.js';
export { AcceleratedScheduler, type GradientState, type Prepared, PreparedDataLoader } from './prepared.js';
export {
  type ClippedGradients,
  clipCoefficient,
  clipCoefficientOf,
  clipGradNorm,
  globalGradNorm,
  gradNormTensor,
} from './clip-grad-norm.js';
export type { AcceleratedModel, LrScheduler, StatefulOptimizer } from './contracts.js';
export { AccelerateError, BackendUnavailableError, CollectiveError, StoreError } from './errors.js';
export type { Gatherable } from './host-array.js';
export {
  type BatchSizeReduction,
  findExecutableBatchSize,
  NoExecutableBatchSizeError,
  releaseMemory,
  shouldReduceBatchSize,
} from './memory.js';
export {
  findFreePort,
  LaunchError,
  type LaunchOptions,
  type LaunchResult,
  launch,
} from './launcher/launcher.js';
export type {
  BackendInit,
  BackendName,
  CollectiveBackend,
  EnvVars,
  HostArray,
  ReduceOp,
  ReducibleArray,
  StoreAddress,
} from './process-group/backend.js';
export {
  initProcessGroup,
  ProcessGroup,
  type ProcessGroupOptions,
} from './process-group/process-group.js';
export { TcpStoreClient, type TcpStoreClientOptions } from './store/tcp-store-client.js';
export { TcpStoreServer, type TcpStoreServerOptions } from './store/tcp-store-server.js';
