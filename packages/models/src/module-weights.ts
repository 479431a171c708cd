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

/**
 * `nn.Embedding(rows, dim)` at `name` (the full parameter name, `….weight`), initialised as
 * `_init_weights` does: normal, with the `paddingIdx` row zeroed.
 */
export function createEmbedding(
  registry: ParameterRegistry,
  name: string,
  rows: number,
  dim: number,
  std: number,
  paddingIdx: number | null = null,
): tf.Variable {
  return registry.create(name, [rows, dim], { kind: 'embedding', std, paddingIdx });
}

/** `nn.LayerNorm(size)` at `name`: ones and zeros, marked LayerNorm for the no-decay rule. */
export function createLayerNorm(registry: ParameterRegistry, name: string, size: number): ModuleWeights {
  return {
    weight: registry.create(`${name}.weight`, [size], { kind: 'ones' }, true, 'LayerNorm'),
    bias: registry.create(`${name}.bias`, [size], { kind: 'zeros' }, true, 'LayerNorm'),
  };
}

/** The modules of one post-LayerNorm transformer layer (BERT's `BertLayer`, DistilBERT's `TransformerBlock`). */
export interface TransformerLayerWeights {
  readonly query: ModuleWeights;
  readonly key: ModuleWeights;
  readonly value: ModuleWeights;
  readonly attentionOutput: ModuleWeights;
  readonly attentionNorm: ModuleWeights;
  readonly intermediate: ModuleWeights;
  readonly output: ModuleWeights;
  readonly outputNorm: ModuleWeights;
}

/** Each module's PyTorch name inside the layer, e.g. `attention.self.query` or `attention.q_lin`. */
export type TransformerLayerNames = { readonly [K in keyof TransformerLayerWeights]: string };

/**
 * Where a family's layer stack lives and how big it is, read from its config: the runtime stack
 * and the weight-shape list (checked before loading) both build from it.
 */
export interface LayerStackLayout {
  /** `encoder.layer.` (BERT) or `transformer.layer.` (DistilBERT), after the model's prefix. */
  readonly layerPrefix: string;
  readonly layers: number;
  readonly names: TransformerLayerNames;
  readonly hidden: number;
  readonly intermediate: number;
}

/**
 * Creates one layer's weights under `base` + its PyTorch names, in `named_parameters()` order
 * (query, key, value, attention output, its LayerNorm, intermediate, output, its LayerNorm).
 */
export function createTransformerLayer(
  registry: ParameterRegistry,
  base: string,
  names: TransformerLayerNames,
  sizes: { readonly hidden: number; readonly intermediate: number; readonly std: number },
): TransformerLayerWeights {
  const { hidden, intermediate, std } = sizes;
  const dense = (name: string, out: number, inp: number) =>
    createLinear(registry, `${base}${name}`, out, inp, std);
  return {
    query: dense(names.query, hidden, hidden),
    key: dense(names.key, hidden, hidden),
    value: dense(names.value, hidden, hidden),
    attentionOutput: dense(names.attentionOutput, hidden, hidden),
    attentionNorm: createLayerNorm(registry, `${base}${names.attentionNorm}`, hidden),
    intermediate: dense(names.intermediate, intermediate, hidden),
    output: dense(names.output, hidden, intermediate),
    outputNorm: createLayerNorm(registry, `${base}${names.outputNorm}`, hidden),
  };
}
