/**
 * What a model family (BERT, DistilBERT) gives the shared model classes: its main layer (the
 * transformers `…Model` body every head wraps), its input limits and its head details.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { PreparedInputs } from './model-io.js';
import type { ForwardContext } from './nn.js';
import type { ParameterRegistry } from './parameter-registry.js';
import type { PretrainedConfig } from './pretrained-config.js';

/** What a layer stack (`BertEncoder`, DistilBERT's `Transformer`) returns. */
export interface LayerStackResult {
  readonly lastHiddenState: tf.Tensor3D;
  /** The embedding output, then each layer's output. */
  readonly hiddenStates: tf.Tensor3D[];
  /** Attention probabilities per layer, `[B, heads, T, T]`. */
  readonly attentions: tf.Tensor4D[];
}

/** The main layer's results before a model decides which to return. */
export interface EncoderResult extends LayerStackResult {
  /** BERT's pooler output (`tanh(dense(h[:, 0]))`) when the pooler is built, else null. */
  readonly pooled: tf.Tensor2D | null;
}

/** Embeddings + layer stack (+ pooler): `BertMainLayer`, `DistilBertMainLayer`. Runs inside `tf.tidy`. */
export interface MainLayer {
  run(inputs: PreparedInputs, ctx: ForwardContext): EncoderResult;
}

/** Features for a sequence head's classifier, from the main layer's result. */
export type SequenceSummary = (result: EncoderResult, ctx: ForwardContext) => tf.Tensor;

/** One model family: how its classes are built and what they check. */
export interface ModelFamily<C extends PretrainedConfig = PretrainedConfig> {
  readonly modelType: 'bert' | 'distilbert';
  /** `base_model_prefix`: the main layer's name inside a head ("bert", "distilbert"). */
  readonly baseModelPrefix: string;
  /** Non-persistent buffers (`embeddings.position_ids`…) that old checkpoints still contain. */
  readonly buffers: readonly string[];
  /** Width of the main layer's output. */
  hiddenSize(config: C): number;
  /** What `prepareInputs` checks ids against; `typeVocabSize` null: no token types. */
  inputLimits(config: C): { vocabSize: number; maxPositions: number; typeVocabSize: number | null };
  /** Builds the main layer's weights under `prefix` ("" or "bert."). */
  createMainLayer(
    registry: ParameterRegistry,
    prefix: string,
    config: C,
    addPoolingLayer: boolean,
  ): MainLayer;
  /** Dropout before a token head's classifier. */
  tokenClassifierDropout(config: C): number;
  /** Whether the sequence head reads BERT's pooler (built with the main layer). */
  readonly sequenceHeadUsesPooler: boolean;
  /** Builds what a sequence head puts between the main layer and `classifier` (registered first). */
  createSequenceSummary(registry: ParameterRegistry, config: C): SequenceSummary;
}
