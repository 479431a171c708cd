import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { entryToFloat32, parseSafetensors, serializeSafetensors } from '@ner/models';
import * as tf from '@tensorflow/tfjs-core';
import type { AdamW, AdamWStateDict } from './adamw.js';
import { CheckpointError } from './errors.js';
import type { LambdaLR, SchedulerStateDict } from './schedules.js';
import { writeFileNamed } from './write-failure.js';

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

async function readJsonFile<T>(path: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CheckpointError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CheckpointError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

export async function loadOptimizer(dir: string, optimizer: AdamW): Promise<void> {
  const meta = await readJsonFile<{
    param_groups: AdamWStateDict['paramGroups'];
    steps: Record<string, number>;
  }>(join(dir, CHECKPOINT_FILES.optimizerMeta));
  const path = join(dir, CHECKPOINT_FILES.optimizer);
  const file = parseSafetensors(await readFile(path), path);
  const state: AdamWStateDict['state'] = {};
  for (const [name, step] of Object.entries(meta.steps ?? {})) {
    const m = file.tensors.get(`exp_avg.${name}`);
    const v = file.tensors.get(`exp_avg_sq.${name}`);
    if (m === undefined || v === undefined)
      throw new CheckpointError(`${path}: moments of "${name}" are missing`);
    state[name] = {
      step,
      expAvg: { shape: [...m.shape], data: entryToFloat32(m, name) },
      expAvgSq: { shape: [...v.shape], data: entryToFloat32(v, name) },
    };
  }
  optimizer.loadStateDict({ paramGroups: meta.param_groups, state });
}

export async function saveScheduler(dir: string, scheduler: LambdaLR): Promise<void> {
  const s = scheduler.stateDict();
  await writeFileNamed(
    join(dir, CHECKPOINT_FILES.scheduler),
    `${JSON.stringify({ last_epoch: s.lastEpoch, base_lrs: s.baseLrs, _last_lr: s.lastLr }, null, 2)}\n`,
  );
}

export async function loadScheduler(dir: string, scheduler: LambdaLR): Promise<void> {
  const json = await readJsonFile<{ last_epoch: number; base_lrs: number[]; _last_lr: number[] }>(
    join(dir, CHECKPOINT_FILES.scheduler),
  );
  const state: SchedulerStateDict = {
    lastEpoch: json.last_epoch,
    baseLrs: json.base_lrs,
    lastLr: json._last_lr,
  };
  scheduler.loadStateDict(state);
}

/** Loads `model.safetensors` from a folder into existing variables, by PyTorch name. */
export async function loadModelWeights(dir: string, params: readonly [string, tf.Variable][]): Promise<void> {
  const path = join(dir, CHECKPOINT_FILES.model);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError(`Cannot read model weights ${path}: ${(error as Error).message}`);
  }
  const file = parseSafetensors(bytes, path);
  for (const [name, variable] of params) {
    const entry = file.tensors.get(name);
    if (entry === undefined) throw new CheckpointError(`${path} has no tensor "${name}"`);
    if (entry.shape.length !== variable.shape.length || entry.shape.some((s, i) => s !== variable.shape[i])) {
      throw new CheckpointError(
        `${path}: "${name}" has shape [${entry.shape}], the model expects [${variable.shape}]`,
      );
    }
    const values = entryToFloat32(entry, name);
    tf.tidy(() => variable.assign(tf.tensor(values, [...entry.shape], 'float32')));
  }
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
