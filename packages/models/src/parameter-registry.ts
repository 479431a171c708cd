/**
 * Owns a model's weights as tfjs Variables under their PyTorch state-dict
 * names. Weights are created in module order from either a checkpoint (a
 * `WeightSource`) or the seeded initialiser transformers' `_init_weights` uses.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from './seeded-random.js';

/** How a weight is initialised when no checkpoint provides it (transformers `_init_weights`). */
export type ParameterInit =
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'embedding'; readonly std: number; readonly paddingIdx: number | null }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'sinusoidal' };

/** The torch module a weight belongs to (what the Trainer's weight-decay rule looks at). */
export type ModuleType = 'Linear' | 'LayerNorm' | 'Embedding';

/** Supplies checkpoint values by PyTorch name; `undefined` means "initialise it". */
export type WeightSource = (name: string, shape: readonly number[]) => Float32Array | undefined;

let registryCount = 0;

function sinusoidalTable(positions: number, dim: number): Float32Array {
  // DistilBERT's create_sinusoidal_embeddings: sin on even, cos on odd columns.
  const out = new Float32Array(positions * dim);
  for (let pos = 0; pos < positions; pos++) {
    for (let j = 0; j < dim; j++) {
      const angle = pos / 10000 ** ((2 * Math.floor(j / 2)) / dim);
      out[pos * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

export function initialValues(
  init: ParameterInit,
  shape: readonly number[],
  rng: SeededRandom,
): Float32Array {
  const count = shape.reduce((a, b) => a * b, 1);
  switch (init.kind) {
    case 'normal':
      return rng.normalArray(count, 0, init.std);
    case 'embedding': {
      const values = rng.normalArray(count, 0, init.std);
      if (init.paddingIdx !== null && shape.length === 2) {
        const width = shape[1]!;
        values.fill(0, init.paddingIdx * width, (init.paddingIdx + 1) * width);
      }
      return values;
    }
    case 'zeros':
      return new Float32Array(count);
    case 'ones':
      return new Float32Array(count).fill(1);
    case 'sinusoidal':
      return sinusoidalTable(shape[0]!, shape[1]!);
  }
}

/**
 * A model's weights by PyTorch name, in creation order (= `named_parameters()` order): each is
 * taken from the checkpoint being loaded when it has one, else initialised from the seeded
 * generator, and tagged with its torch module type.
 */
export class ParameterRegistry {
  /** Variables by PyTorch name, in module (construction) order. */
  readonly variables = new Map<string, tf.Variable>();
  /** The module type of each weight, by PyTorch name. */
  readonly moduleTypes = new Map<string, ModuleType>();
  private readonly scope = `ner_models_${++registryCount}`;

  constructor(
    private readonly rng: SeededRandom,
    private readonly source?: WeightSource,
  ) {}

  /**
   * Creates (or loads) one weight. `trainable: false` mirrors
   * `requires_grad=False`; `moduleType` defaults to Embedding for embedding
   * tables and Linear otherwise.
   */
  create(
    name: string,
    shape: readonly number[],
    init: ParameterInit,
    trainable = true,
    moduleType: ModuleType = init.kind === 'embedding' || init.kind === 'sinusoidal' ? 'Embedding' : 'Linear',
  ): tf.Variable {
    const values = this.source?.(name, shape) ?? initialValues(init, shape, this.rng);
    this.moduleTypes.set(name, moduleType);
    const initial = tf.tensor(values, [...shape], 'float32');
    // tfjs variable names are global to the engine, so each model gets its own scope.
    const variable = tf.variable(initial, trainable, `${this.scope}/${name}`);
    initial.dispose();
    this.variables.set(name, variable);
    return variable;
  }

  dispose(): void {
    for (const variable of this.variables.values()) variable.dispose();
    this.variables.clear();
  }
}
