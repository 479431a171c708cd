/**
 * Weights of a training checkpoint (`model.safetensors` of a Trainer
 * checkpoint or of `Accelerator.saveState`) loaded into an existing model's
 * variables, in two steps so that a resume either loads everything or
 * nothing: {@link readCheckpointWeights} reads and checks the whole file
 * (every name present, every shape equal, every dtype widened to float32)
 * and assigns nothing; {@link assignCheckpointWeights} then cannot fail on
 * the file's account.
 */
import { readFile, stat } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { readBoundedText } from './bounded-json-file.js';
import { CheckpointError, ModelsError } from './errors.js';
import { jsonNestingDepth } from './json-depth.js';
import {
  entryToFloat32,
  parseSafetensors,
  type SafetensorsEntry,
  type SafetensorsFile,
} from './safetensors.js';

/** A model's variables by PyTorch name, as `namedParameters()` lists them. */
export type NamedVariables = readonly (readonly [string, tf.Variable])[];

/**
 * The values of `path` for each of `params`, in their order, checked against
 * the variables; nothing is assigned. Every problem is a
 * {@link CheckpointError} naming the file (and the tensor).
 */
export async function readCheckpointWeights(path: string, params: NamedVariables): Promise<Float32Array[]> {
  const file = await readCheckpointSafetensors(path);
  return params.map(([name, variable]) => {
    const entry = file.tensors.get(name);
    if (entry === undefined) throw new CheckpointError(`${path} has no tensor "${name}"`);
    if (entry.shape.length !== variable.shape.length || entry.shape.some((s, i) => s !== variable.shape[i])) {
      throw new CheckpointError(
        `${path}: "${name}" has shape [${entry.shape}], the model expects [${variable.shape}]`,
      );
    }
    return checkpointTensorValues(entry, name, path);
  });
}

/**
 * A safetensors file of a checkpoint, parsed: a missing file, a folder in
 * its place, an unreadable or malformed one is a {@link CheckpointError}
 * naming it.
 */
export async function readCheckpointSafetensors(path: string): Promise<SafetensorsFile> {
  const bytes = await readCheckpointFile(path, (p) => readFile(p));
  return asCheckpointError(() => parseSafetensors(bytes, path));
}

/**
 * The text of a checkpoint's JSON file (trainer_state.json, a state dict),
 * at most 100 MB (`MAX_JSON_FILE_BYTES`): a missing file, a folder in its place,
 * an unreadable or oversized one is a {@link CheckpointError} naming it.
 */
export function readCheckpointText(path: string): Promise<string> {
  return readCheckpointFile(path, (p) =>
    readBoundedText(p, (size) => new CheckpointError(`${p} is too large (${size})`)),
  );
}

/**
 * Deepest nesting of a checkpoint's JSON file we read: ours nest four or five levels (a metric
 * returned nested adds one or two); a deeper value would overflow the stack of whatever walks it
 * later (saving the state again, joining tensors back in).
 */
const MAX_CHECKPOINT_JSON_DEPTH = 100;

/**
 * A checkpoint's JSON file parsed ({@link readCheckpointText}), refused as a
 * {@link CheckpointError} when it is not JSON or nests deeper than 100 levels.
 * @param what what the file is, for the depth message ("a state dict")
 */
export async function readCheckpointJson(path: string, what = 'a checkpoint file'): Promise<unknown> {
  const text = await readCheckpointText(path);
  const depth = jsonNestingDepth(text);
  if (depth > MAX_CHECKPOINT_JSON_DEPTH) {
    throw new CheckpointError(
      `${path} nests ${depth} levels deep, more than the ${MAX_CHECKPOINT_JSON_DEPTH} ${what} may`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** `read(path)` of a regular file, each way it can fail named as a {@link CheckpointError}. */
async function readCheckpointFile<T>(path: string, read: (path: string) => Promise<T>): Promise<T> {
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new CheckpointError(
        `${path} ${info.isDirectory() ? 'is a folder, not a file' : 'is not a regular file'}`,
      );
    return await read(path);
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CheckpointError(
      code === 'ENOENT' ? `${path} is missing` : `Cannot read ${path}: ${(error as Error).message}`,
    );
  }
}

/** A tensor of a checkpoint's safetensors file as float32; an unsupported dtype is a {@link CheckpointError}. */
export function checkpointTensorValues(entry: SafetensorsEntry, name: string, path: string): Float32Array {
  return asCheckpointError(() => entryToFloat32(entry, name, path));
}

/** Assigns what {@link readCheckpointWeights} returned for the same `params`. */
export function assignCheckpointWeights(params: NamedVariables, values: readonly Float32Array[]): void {
  params.forEach(([, variable], i) => {
    tf.tidy(() => variable.assign(tf.tensor(values[i]!, variable.shape, 'float32')));
  });
}

/** A malformed file (a `SafetensorsError`, which names it) is a damaged checkpoint. */
function asCheckpointError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ModelsError && !(error instanceof CheckpointError))
      throw new CheckpointError(error.message);
    throw error;
  }
}
