/**
 * Checkpoint I/O: what a `checkpoint-N/` folder holds and how it is written
 * (atomically), found again (`getLastCheckpoint`) and rotated (reading one
 * back to resume is checkpoint-resume.ts); the best-metric bookkeeping that rotation depends on; and
 * `saveModel`'s files.
 */
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeSafetensors, writeFileAtomic } from '@ner/models';
import { assignCheckpointWeights, readCheckpointWeights } from '@ner/models/internal';
import type * as tf from '@tensorflow/tfjs-core';
import type { Accelerator } from '@ner/accelerate';
import type { AdamW } from './adamw.js';
import { removeOrphanTemps, writeFolderAtomic } from './atomic-folder.js';
import { CheckpointError, SaveError, TrainerError } from './errors.js';
import { quiet } from './logging-callbacks.js';
import type { LambdaLR } from './schedules.js';
import type { TrainableModel } from './trainable-model.js';
import type { TrainerState } from './trainer-state.js';
import type { ProcessingClass } from './trainer-types.js';
import type { TrainingArguments } from './training-arguments.js';
import { describeCode, failedPath, systemErrorCode, writeFileNamed } from './write-failure.js';

export { type OrphanCleanup, removeOrphanTemps, writeFolderAtomic } from './atomic-folder.js';

/** Prefix of checkpoint folders, as in Python (`checkpoint-500`). */
export const PREFIX_CHECKPOINT_DIR = 'checkpoint';

/** File names inside a checkpoint folder. Python writes `.pt`/`.pth`/`.bin` pickles; we write JSON + safetensors. */
export const CHECKPOINT_FILES = {
  model: 'model.safetensors',
  config: 'config.json',
  optimizer: 'optimizer.safetensors',
  optimizerMeta: 'optimizer.json',
  scheduler: 'scheduler.json',
  rng: 'rng_state.json',
  trainerState: 'trainer_state.json',
  trainingArgs: 'training_args.json',
} as const;

/** Optimizer moments as safetensors (`exp_avg.<name>`, `exp_avg_sq.<name>`) plus a JSON of groups and steps. */
export async function saveOptimizer(dir: string, optimizer: AdamW): Promise<void> {
  const dict = optimizer.stateDict();
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  const steps: Record<string, number> = {};
  for (const [name, entry] of Object.entries(dict.state)) {
    tensors.set(`exp_avg.${name}`, entry.expAvg);
    tensors.set(`exp_avg_sq.${name}`, entry.expAvgSq);
    steps[name] = entry.step;
  }
  await writeFileNamed(
    join(dir, CHECKPOINT_FILES.optimizer),
    serializeSafetensors(tensors, { format: 'ner-adamw' }),
  );
  await writeFileNamed(
    join(dir, CHECKPOINT_FILES.optimizerMeta),
    `${JSON.stringify({ param_groups: dict.paramGroups, steps }, null, 2)}\n`,
  );
}

export async function saveScheduler(dir: string, scheduler: LambdaLR): Promise<void> {
  const s = scheduler.stateDict();
  await writeFileNamed(
    join(dir, CHECKPOINT_FILES.scheduler),
    `${JSON.stringify({ last_epoch: s.lastEpoch, base_lrs: s.baseLrs, _last_lr: s.lastLr }, null, 2)}\n`,
  );
}

/**
 * Loads `model.safetensors` from a folder into existing variables, by PyTorch
 * name. The whole file is checked first (every name present, every shape
 * equal): a {@link CheckpointError} naming the file and the tensor leaves the
 * variables as they were.
 */
export async function loadModelWeights(dir: string, params: readonly [string, tf.Variable][]): Promise<void> {
  const values = await readCheckpointWeights(join(dir, CHECKPOINT_FILES.model), params);
  assignCheckpointWeights(params, values);
}

/** Checkpoint folders of outputDir, oldest (lowest step) first (Python `_sorted_checkpoints`). */
export async function sortedCheckpoints(outputDir: string): Promise<string[]> {
  if (!existsSync(outputDir)) return [];
  const entries = await readdir(outputDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && new RegExp(`^${PREFIX_CHECKPOINT_DIR}-\\d+$`).test(e.name))
    .map((e) => ({
      path: join(outputDir, e.name),
      step: Number(e.name.slice(PREFIX_CHECKPOINT_DIR.length + 1)),
    }))
    .sort((a, b) => a.step - b.step)
    .map((e) => e.path);
}

/** The newest checkpoint folder in outputDir, or undefined (Python `get_last_checkpoint`). */
export async function getLastCheckpoint(outputDir: string): Promise<string | undefined> {
  const all = await sortedCheckpoints(outputDir);
  return all[all.length - 1];
}

/**
 * Python `_rotate_checkpoints`: deletes the oldest checkpoints beyond
 * `limit`, never the best one (it is moved just before the newest). With
 * `limit` 1 and loadBestModelAtEnd, 2 are kept when the newest is not the best.
 */
export async function rotateCheckpoints(
  outputDir: string,
  limit: number | undefined,
  bestCheckpoint: string | null,
  loadBestModelAtEnd: boolean,
): Promise<string[]> {
  if (limit === undefined || limit <= 0) return [];
  const sorted = await sortedCheckpoints(outputDir);
  if (sorted.length <= limit) return [];
  if (bestCheckpoint !== null) {
    const index = sorted.indexOf(bestCheckpoint);
    if (index >= 0) {
      for (let i = index; i < sorted.length - 2; i++)
        [sorted[i], sorted[i + 1]] = [sorted[i + 1]!, sorted[i]!];
    }
  }
  let keep = limit;
  if (keep === 1 && loadBestModelAtEnd && sorted[sorted.length - 1] !== bestCheckpoint) keep = 2;
  const doomed = sorted.slice(0, Math.max(0, sorted.length - keep));
  for (const dir of doomed) await rm(dir, { recursive: true, force: true });
  return doomed;
}

/** The folder of the checkpoint at `globalStep` (`<outputDir>/checkpoint-<step>`). */
export function checkpointFolder(outputDir: string, globalStep: number): string {
  return join(outputDir, `${PREFIX_CHECKPOINT_DIR}-${globalStep}`);
}

/**
 * The folder `train({ resumeFromCheckpoint })` resumes from: the given path,
 * the newest checkpoint of outputDir for `true`, nothing for `false`/undefined.
 */
export async function resolveResumeCheckpoint(
  outputDir: string,
  resumeFromCheckpoint: string | boolean | undefined,
): Promise<string | undefined> {
  if (typeof resumeFromCheckpoint === 'string') return resumeFromCheckpoint;
  if (resumeFromCheckpoint !== true) return undefined;
  const last = await getLastCheckpoint(outputDir);
  if (last === undefined)
    throw new CheckpointError(`No valid checkpoint found in output directory (${outputDir})`);
  return last;
}

/**
 * Python's `_determine_best_metric`: when `metricForBestModel` is set, reads it
 * from the evaluation metrics and, if it beats `state.bestMetric`, records it
 * with `dir` as `state.bestModelCheckpoint`.
 */
export function updateBestMetric(
  args: TrainingArguments,
  state: TrainerState,
  metrics: Record<string, number> | undefined,
  dir: string,
): void {
  if (metrics === undefined || args.metricForBestModel === undefined) return;
  const name = args.metricForBestModel;
  const key = name.startsWith('eval_') ? name : `eval_${name}`;
  const value = metrics[key];
  if (value === undefined) {
    throw new TrainerError(
      `The \`metricForBestModel\` training argument is set to '${key}', which is not found in the evaluation metrics. ` +
        `The available evaluation metrics are: ${Object.keys(metrics).join(', ')}.`,
    );
  }
  const greater = args.greaterIsBetter ?? true;
  if (state.bestMetric === null || (greater ? value > state.bestMetric : value < state.bestMetric)) {
    state.bestMetric = value;
    state.bestModelCheckpoint = dir;
  }
}

/** What a checkpoint holds besides the arguments and state. */
export interface CheckpointContents {
  model: TrainableModel;
  processingClass: ProcessingClass | undefined;
  optimizer: AdamW | undefined;
  lrScheduler: LambdaLR | undefined;
}

/**
 * Writes `dir` atomically: model and tokenizer files, optimizer, scheduler and
 * RNG state (unless `saveOnlyModel`), `trainer_state.json` and
 * `training_args.json`; then deletes the checkpoints beyond `saveTotalLimit`.
 * Call it from the main process only.
 */
export async function writeCheckpoint(
  dir: string,
  contents: CheckpointContents,
  args: TrainingArguments,
  state: TrainerState,
): Promise<void> {
  await writeFolderAtomic(dir, async (tmp) => {
    await contents.model.savePretrained(tmp);
    await contents.processingClass?.savePretrained(tmp);
    if (!args.saveOnlyModel) {
      if (contents.optimizer) await saveOptimizer(tmp, contents.optimizer);
      if (contents.lrScheduler) await saveScheduler(tmp, contents.lrScheduler);
      // Dropout is reseeded from (seed, epoch, step), so the seed and step are the whole RNG state.
      await writeFileNamed(
        join(tmp, CHECKPOINT_FILES.rng),
        `${JSON.stringify({ seed: args.seed, scheme: 'dropout seed = f(seed, epoch, step)', global_step: state.globalStep })}\n`,
      );
    }
    await writeFileNamed(join(tmp, CHECKPOINT_FILES.trainerState), state.toJSONString());
    await writeFileNamed(
      join(tmp, CHECKPOINT_FILES.trainingArgs),
      `${JSON.stringify(args.toJSON(), null, 2)}\n`,
    );
  });
  await rotateCheckpoints(
    args.outputDir,
    args.saveTotalLimit,
    state.bestModelCheckpoint,
    args.loadBestModelAtEnd,
  );
}

/**
 * Deletes the temporary checkpoint folders that a run killed while saving
 * left in outputDir (see `removeOrphanTemps`) and says so on the console
 * unless logLevel is 'error'/'critical'. A failure only warns: leftovers
 * waste disk space but do not stop training. Only the main process writes
 * checkpoints, so only it cleans; when resuming, the others wait for it so
 * that a checkpoint restored from an interrupted replacement is visible to all.
 */
export async function cleanCheckpointLeftovers(
  args: TrainingArguments,
  accelerator: Accelerator,
  resuming: boolean,
): Promise<void> {
  const outputDir = args.outputDir;
  if (accelerator.isMainProcess) {
    try {
      const { removed, restored } = await removeOrphanTemps(outputDir);
      if (!quiet(args) && removed.length + restored.length > 0) {
        console.warn(
          `Removed ${removed.length} unfinished checkpoint folder(s) left by an interrupted save in ${outputDir}` +
            (restored.length > 0 ? `; restored ${restored.join(', ')}` : ''),
        );
      }
    } catch (error) {
      console.warn(
        `Could not clean temporary checkpoint folders in ${outputDir}: ${(error as Error).message}`,
      );
    }
  }
  if (resuming) await accelerator.waitForEveryone();
}

/**
 * `Trainer.saveModel`'s files: the model, the tokenizer and
 * `training_args.json` in `dir`, each written under a temporary name and
 * renamed. A system failure (disk full...) is a {@link SaveError} naming the
 * file and the code: @ner/models' own from `savePretrained` and
 * `writeFileAtomic`, one made here for a tokenizer's raw system error.
 */
export async function saveModelFiles(
  dir: string,
  model: TrainableModel,
  processingClass: ProcessingClass | undefined,
  args: TrainingArguments,
): Promise<void> {
  try {
    await model.savePretrained(dir);
    await processingClass?.savePretrained(dir);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === undefined || error instanceof SaveError) throw error;
    const path = failedPath(error, dir);
    throw new SaveError(
      path,
      code,
      error,
      `Cannot save the model to ${dir}: ${describeCode(code)} while writing ${path}. ` +
        'No file was left half-written; files written before the failure were replaced whole.',
    );
  }
  await writeFileAtomic(
    join(dir, CHECKPOINT_FILES.trainingArgs),
    `${JSON.stringify(args.toJSON(), null, 2)}\n`,
  );
}
