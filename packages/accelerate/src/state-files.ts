/**
 * The files of `Accelerator.saveState` (accelerate's `save_state` folder): the model as
 * `save_pretrained` writes it, and each optimizer / scheduler state dict as JSON whose float
 * arrays go to a safetensors file next to it. Written under a temporary name and renamed, so a
 * crash never leaves a half-written state folder under the final name.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointError, type SafetensorsFile, serializeSafetensors } from '@ner/models';
import {
  assignCheckpointWeights,
  checkpointTensorValues,
  readCheckpointJson,
  readCheckpointSafetensors,
  readCheckpointWeights,
} from '@ner/models/internal';
import type { AcceleratedModel } from './contracts.js';
import { AccelerateError } from './errors.js';

/** A state dict leaf holding float values: `{ shape, data }` as AdamW's moments are. */
interface FloatLeaf {
  shape: number[];
  data: Float32Array;
}

const TENSOR_REF = '__safetensors__';

function isFloatLeaf(value: unknown): value is FloatLeaf {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as FloatLeaf).data instanceof Float32Array &&
    Array.isArray((value as FloatLeaf).shape)
  );
}

/** JSON for `dict` with every float leaf replaced by a reference into `tensors`. */
function splitTensors(value: unknown, path: string, tensors: Map<string, FloatLeaf>): unknown {
  if (isFloatLeaf(value)) {
    tensors.set(path, value);
    return { [TENSOR_REF]: path };
  }
  if (ArrayBuffer.isView(value)) {
    throw new AccelerateError(
      `saveState: ${path} is a ${value.constructor.name}; only {shape, data: Float32Array} arrays are saved`,
    );
  }
  if (Array.isArray(value)) return value.map((v, i) => splitTensors(v, `${path}.${i}`, tensors));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, splitTensors(v, path ? `${path}.${k}` : k, tensors)]),
    );
  }
  return value;
}

/** `value` with each tensor reference replaced by its tensor from `file` (undefined: the file is missing). */
function joinTensors(value: unknown, file: SafetensorsFile | undefined, source: string): unknown {
  if (Array.isArray(value)) return value.map((v) => joinTensors(v, file, source));
  if (typeof value === 'object' && value !== null) {
    const ref = (value as Record<string, unknown>)[TENSOR_REF];
    if (typeof ref === 'string') {
      if (file === undefined)
        throw new AccelerateError(
          `loadState: ${source} is missing (the state refers to its tensor '${ref}')`,
        );
      const entry = file.tensors.get(ref);
      if (!entry) throw new AccelerateError(`loadState: ${source} has no tensor '${ref}'`);
      return { shape: [...entry.shape], data: checkpointTensorValues(entry, ref, source) };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, joinTensors(v, file, source)]));
  }
  return value;
}

/** Writes a state dict as `<stem>.json` (+ `<stem>.safetensors` when it holds float arrays). */
export async function writeStateDict(dir: string, stem: string, dict: unknown): Promise<void> {
  const tensors = new Map<string, FloatLeaf>();
  const json = splitTensors(dict, '', tensors);
  if (tensors.size > 0) {
    await writeFile(join(dir, `${stem}.safetensors`), serializeSafetensors(tensors, { format: 'ner-state' }));
  }
  await writeFile(join(dir, `${stem}.json`), `${JSON.stringify(json)}\n`);
}

/**
 * What {@link writeStateDict} wrote as `<stem>.json` (+ `.safetensors`), read back; nothing is
 * loaded anywhere. A missing, malformed or over-deep file is an {@link AccelerateError} naming it.
 */
export async function readStateDict(dir: string, stem: string): Promise<unknown> {
  const jsonPath = join(dir, `${stem}.json`);
  const json = await asLoadStateError(() => readCheckpointJson(jsonPath, 'a state dict'));
  const tensorsPath = join(dir, `${stem}.safetensors`);
  const file = existsSync(tensorsPath)
    ? await asLoadStateError(() => readCheckpointSafetensors(tensorsPath))
    : undefined;
  return joinTensors(json, file, tensorsPath);
}

/**
 * `model.safetensors` of `dir` read and checked against the model's variables (every name, every
 * shape), not yet assigned: {@link assignCheckpointWeights} does that once everything has been read.
 */
export function readModelWeights(model: AcceleratedModel, dir: string): Promise<Float32Array[]> {
  return asLoadStateError(() =>
    readCheckpointWeights(join(dir, 'model.safetensors'), model.namedParameters()),
  );
}

export { assignCheckpointWeights };

/**
 * Runs `target.checkStateDict(state)` where the optimizer or scheduler has one: what it refuses is
 * named with the file, before anything is loaded.
 */
export function checkStateFits(
  target: { checkStateDict?(state: unknown): void },
  state: unknown,
  path: string,
): void {
  try {
    target.checkStateDict?.(state);
  } catch (error) {
    throw new AccelerateError(`loadState: ${path} does not fit: ${(error as Error).message}`);
  }
}

/** The reading of a state folder: @ner/models' CheckpointError (file named) as an AccelerateError. */
async function asLoadStateError<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CheckpointError) throw new AccelerateError(`loadState: ${error.message}`);
    throw error;
  }
}

/**
 * Fills a fresh temporary folder next to `dir` with `fill`, then renames it to `dir` (an older
 * `dir` is moved aside first and removed after). A failure removes the temporary folder.
 */
export async function writeFolderAtomically(
  dir: string,
  fill: (tmp: string) => Promise<void>,
): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = join(parent, `.tmp-${basename(dir)}-${stamp}`);
  await mkdir(tmp);
  try {
    await fill(tmp);
    let old: string | undefined;
    if (existsSync(dir)) {
      old = join(parent, `.old-${basename(dir)}-${stamp}`);
      await rename(dir, old);
    }
    await rename(tmp, dir);
    if (old) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
