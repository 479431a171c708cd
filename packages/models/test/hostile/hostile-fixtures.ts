// Temp checkpoint folders for the hostile-input tests: a tiny valid model, then one field made hostile.
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, expect } from 'vitest';
import {
  AutoModelForTokenClassification,
  BertConfig,
  BertForTokenClassification,
  ConfigError,
  DistilBertConfig,
  DistilBertForTokenClassification,
  serializeSafetensors,
} from '../../src/index.js';

/** A tiny BERT token-classification config: vocab 100, hidden 8, 1 layer, 2 heads, 3 labels. */
export function tinyBertConfig(): BertConfig {
  return new BertConfig({
    vocabSize: 100,
    hiddenSize: 8,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 16,
    maxPositionEmbeddings: 16,
    id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER' },
  });
}

/** The DistilBERT twin of `tinyBertConfig`. */
export function tinyDistilBertConfig(): DistilBertConfig {
  return new DistilBertConfig({
    vocabSize: 100,
    dim: 8,
    nLayers: 1,
    nHeads: 2,
    hiddenDim: 16,
    maxPositionEmbeddings: 16,
    id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER' },
  });
}

/** Creates temp folders and removes every one of them in `cleanup` (call it from `afterEach`). */
export class TempFolders {
  private readonly made: string[] = [];

  make(prefix = 'ner-models-hostile-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.made.push(dir);
    return dir;
  }

  cleanup(): void {
    for (const dir of this.made.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** What `useHostileSetup` gives a test file. */
export interface HostileSetup {
  /** Temp folders, removed after each test. */
  readonly folders: TempFolders;
  /** Loads a tiny checkpoint whose config.json has `patch` applied (see `loadHostileCheckpoint`). */
  readonly loadError: (patch: Record<string, unknown>, distil?: boolean) => Promise<LoadOutcome>;
}

/**
 * The set-up every hostile test file shares: the cpu backend before the tests, and temp folders
 * removed after each test. Call once at the top of a test file.
 */
export function useHostileSetup(): HostileSetup {
  const folders = new TempFolders();
  afterEach(() => folders.cleanup());
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  return { folders, loadError: (patch, distil = false) => loadHostileCheckpoint(folders, patch, distil) };
}

/** The message after `<file>: `, or how it reads for the field at fault and its value. */
export type Refusal = string | ((field: string, value: unknown) => string);

/** A config.json patch that must be refused: test title, patch (its first key is the field at fault), message, DistilBERT? */
export type RefusedPatch = [
  title: string,
  patch: Record<string, unknown>,
  message: Refusal,
  distil?: boolean,
];

/** `"<field>" = <value> is out of range; expected an integer in [1, <max>].` */
export const integerIn =
  (max: number): Refusal =>
  (field, value) =>
    `"${field}" = ${JSON.stringify(value)} is out of range; expected an integer in [1, ${max}].`;

/** `"<field>" = <value> is not a dropout probability; expected a number in [0, 1).` */
export const dropoutProbability: Refusal = (field, value) =>
  `"${field}" = ${JSON.stringify(value)} is not a dropout probability; expected a number in [0, 1).`;

/**
 * Loads the tiny checkpoint with `patch` (a {@link RefusedPatch} row's) and expects a ConfigError saying exactly
 * `<config.json path>: <message>`, thrown before any tensor exists. Returns the load's outcome.
 */
export async function expectRefused(
  setup: HostileSetup,
  patch: Record<string, unknown>,
  message: Refusal,
  distil = false,
) {
  const field = Object.keys(patch)[0]!;
  const outcome = await setup.loadError(patch, distil);
  expect(outcome.error).toBeInstanceOf(ConfigError);
  const expected = typeof message === 'string' ? message : message(field, patch[field]);
  expect(outcome.error.message).toBe(`${outcome.file}: ${expected}`);
  expect(outcome.tensorsMade).toBe(0);
  return outcome;
}

/** Weights of a tiny model built from `config`, as safetensors bytes. */
export function tinyCheckpoint(config: BertConfig | DistilBertConfig): Uint8Array {
  const model =
    config instanceof BertConfig
      ? new BertForTokenClassification(config, { seed: 1 })
      : new DistilBertForTokenClassification(config, { seed: 1 });
  const bytes = serializeSafetensors(model.stateDict());
  model.dispose();
  return bytes;
}

/**
 * Writes a checkpoint folder: `model.safetensors` of the valid `base` config,
 * and `config.json` = the base config's JSON with `patch` applied (a key set
 * to `undefined` is removed). Returns the folder.
 */
export function writeCheckpoint(
  folders: TempFolders,
  base: BertConfig | DistilBertConfig,
  patch: Record<string, unknown> = {},
  weights: Uint8Array = tinyCheckpoint(base),
): string {
  const dir = folders.make();
  mkdirSync(dir, { recursive: true });
  const json = { ...base.toJSON(), ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete json[key];
  writeFileSync(join(dir, 'config.json'), JSON.stringify(json, null, 2));
  writeFileSync(join(dir, 'model.safetensors'), weights);
  return dir;
}

/** The id the next tfjs tensor will get: the difference between two calls counts the tensors made in between. */
export function nextTensorId(): number {
  const probe = tf.scalar(0);
  const id = probe.id;
  probe.dispose();
  return id;
}

/** Builds a safetensors file from a header text (written as is) and a data section. */
export function rawSafetensors(headerText: string, data: Uint8Array): Uint8Array {
  const header = Buffer.from(headerText, 'utf8');
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

/** What loading a hostile checkpoint as a token classifier gave. */
export interface LoadOutcome {
  /** The error thrown; null where the model loaded (it is disposed at once). */
  readonly error: Error;
  /** The path of the checkpoint's config.json, as the error messages name it. */
  readonly file: string;
  /** Tensors created while loading (0 means the error came before any allocation). */
  readonly tensorsMade: number;
  /** Milliseconds the load took. */
  readonly ms: number;
}

/**
 * Writes a tiny BERT (or DistilBERT) checkpoint whose config.json has `patch` applied and loads it
 * with `AutoModelForTokenClassification.fromPretrained`, warnings silenced.
 */
export async function loadHostileCheckpoint(
  folders: TempFolders,
  patch: Record<string, unknown>,
  distil = false,
): Promise<LoadOutcome> {
  const dir = writeCheckpoint(folders, distil ? tinyDistilBertConfig() : tinyBertConfig(), patch);
  const before = nextTensorId();
  const started = performance.now();
  const error = await AutoModelForTokenClassification.fromPretrained(dir, {
    logger: { warn: () => {} },
  }).then(
    (model) => {
      model.dispose();
      return null;
    },
    (caught: unknown) => caught,
  );
  return {
    error: error as Error,
    file: join(dir, 'config.json'),
    // One probe tensor is made by nextTensorId itself.
    tensorsMade: nextTensorId() - before - 1,
    ms: performance.now() - started,
  };
}
