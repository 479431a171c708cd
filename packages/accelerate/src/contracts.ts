import type { ModelBatch } from '@ner/collate';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * What the Accelerator needs from a model. `@ner/models`' BERT / DistilBERT heads satisfy it
 * (and so does `@ner/trainer`'s `TrainableModel`); any model with the same methods works.
 */
export interface AcceleratedModel {
  /** Weights as `[pytorchName, variable]` in `named_parameters()` order. */
  namedParameters(): [string, tf.Variable][];
  /** Loss and gradients by parameter name (the `loss.backward()` step). */
  computeGradients(
    batch: ModelBatch,
    options?: { training?: boolean },
  ): { loss: tf.Scalar; grads: Map<string, tf.Tensor> };
  /** Writes `config.json` + `model.safetensors` (Python `save_pretrained`). */
  savePretrained(dir: string): Promise<void>;
}

/**
 * A learning-rate scheduler as `prepare` recognises it (`@ner/trainer`'s `LambdaLR` is one):
 * torch's `step()` / `get_last_lr()` / `state_dict()`.
 */
export interface LrScheduler {
  step(): void;
  getLastLr(): number[];
  stateDict(): unknown;
  loadStateDict?(state: never): void;
  /** Throws if `loadStateDict(state)` would; changes nothing (`loadState` checks everything before loading). */
  checkStateDict?(state: unknown): void;
}

/** An optimizer whose state `saveState` can write (`@ner/trainer`'s `AdamW` is one). */
export interface StatefulOptimizer {
  stateDict(): unknown;
  loadStateDict(state: never): void;
  /** Throws if `loadStateDict(state)` would; changes nothing (`loadState` checks everything before loading). */
  checkStateDict?(state: unknown): void;
}

/** Duck typing: `value` is an object with a function under each of `methods`. */
function hasMethods(value: unknown, ...methods: string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return methods.every((name) => typeof record[name] === 'function');
}

export function isAcceleratedModel(value: unknown): value is AcceleratedModel {
  return hasMethods(value, 'namedParameters', 'computeGradients');
}

export function isLrScheduler(value: unknown): value is LrScheduler {
  return hasMethods(value, 'step', 'getLastLr', 'stateDict');
}

export function isStatefulOptimizer(value: unknown): value is StatefulOptimizer {
  return (
    !isLrScheduler(value) && !isAcceleratedModel(value) && hasMethods(value, 'stateDict', 'loadStateDict')
  );
}
