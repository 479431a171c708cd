/** Creating the weights of torch modules (Linear, LayerNorm) under their PyTorch names. */
import type * as tf from '@tensorflow/tfjs-core';
import type { ParameterRegistry } from './parameter-registry.js';

/** The weight and bias of a `nn.Linear` (weight `[out, in]`) or `nn.LayerNorm` (`[size]` each). */
export interface ModuleWeights {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
}

/** `nn.Linear(inFeatures, outFeatures)` at `name`, initialised as `_init_weights` does (normal, zero bias). */
export function createLinear(
  registry: ParameterRegistry,
  name: string,
  outFeatures: number,
  inFeatures: number,
  std: number,
): ModuleWeights {
  return {
    weight: registry.create(`${name}.weight`, [outFeatures, inFeatures], { kind: 'normal', std }),
    bias: registry.create(`${name}.bias`, [outFeatures], { kind: 'zeros' }),
  };
}

/** `nn.LayerNorm(size)` at `name`: ones and zeros, marked LayerNorm for the no-decay rule. */
export function createLayerNorm(registry: ParameterRegistry, name: string, size: number): ModuleWeights {
  return {
    weight: registry.create(`${name}.weight`, [size], { kind: 'ones' }, true, 'LayerNorm'),
    bias: registry.create(`${name}.bias`, [size], { kind: 'zeros' }, true, 'LayerNorm'),
  };
}
