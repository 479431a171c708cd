/**
 * @ner/trainer/internal: the helpers behind the Trainer, for tools and tests
 * of this repository. No compatibility promise: names and signatures here
 * may change in any release. Users import from `@ner/trainer`.
 */
export {
  CHECKPOINT_FILES,
  checkpointFolder,
  rotateCheckpoints,
  saveOptimizer,
  saveScheduler,
  sortedCheckpoints,
  writeCheckpoint,
  writeFolderAtomic,
} from './checkpoint.js';
export { loadCheckpoint } from './checkpoint-resume.js';
export { findBatchSize, prefixMetrics } from './evaluation-loop.js';
export { padAndConcatenate } from './nested-concat.js';
export { roundTo, speedMetrics } from './speed-metrics.js';
export { crc32c } from './tensorboard.js';
export { sortKeys } from './trainer-state.js';
export { accumulationGroupSize, planTraining, type TrainingPlan } from './training-plan.js';
