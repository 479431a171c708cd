import type { ModelBatch } from '@ner/collate';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * What the Trainer and the Accelerator need from a model. `@ner/models`'
 * BERT / DistilBERT heads satisfy it; any model with the same methods works.
 */
export interface TrainableModel {
  /** Weights as `[pytorchName, variable]` in `named_parameters()` order. */
  namedParameters(): [string, tf.Variable][];
  /** Forward pass; `logits` `[B, T, C]` or `[B, C]`, `loss` when labels are given. */
  forward(batch: ModelBatch, options?: { training?: boolean }): { logits: tf.Tensor; loss?: tf.Scalar };
  /** Loss and gradients by parameter name (the `loss.backward()` step; the Accelerator's). */
  computeGradients(
    batch: ModelBatch,
    options?: { training?: boolean },
  ): { loss: tf.Scalar; grads: Map<string, tf.Tensor> };
  /** Writes `config.json` + `model.safetensors` (Python `save_pretrained`). */
  savePretrained(dir: string): Promise<void>;
  /** The model config (serialised into checkpoints). */
  readonly config: unknown;
  /** Torch module type of each weight, for the Trainer's no-decay rule (optional). */
  parameterModuleTypes?(): ReadonlyMap<string, string>;
  /**
   * The loss alone (optional). Where a model has it, the Trainer's default
   * `computeLoss` uses it during training: a head may skip work whose only
   * use is the returned outputs (a masked-LM head computes vocabulary logits
   * at the masked positions only). It must equal `forward(batch).loss`.
   */
  computeLoss?(batch: ModelBatch, options?: { training?: boolean }): tf.Scalar;
  /** Restarts the dropout generator (optional; used for seed determinism and exact resume). */
  setSeed?(seed: number): void;
  /**
   * Recompute layers in the backward pass instead of keeping their activations (Python
   * `gradient_checkpointing_enable()`); the Trainer calls it with `gradientCheckpointing`.
   */
  gradientCheckpointingEnable?(): void;
}
