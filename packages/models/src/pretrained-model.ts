/**
 * What every model here shares with transformers' `PreTrainedModel`: a
 * config, weights as tfjs Variables under PyTorch names, eval/train forward,
 * loss and gradients for a trainer, `savePretrained`, and disposal.
 */
import * as tf from '@tensorflow/tfjs-core';
// One bf16 rounding for models and backends (tools/kernel-contract, bundled into dist).
import { roundToBf16 } from '../../../tools/kernel-contract/index.js';
import { matMulAutocast } from './autocast.js';
import { leanVariableGrads } from './lean-gradients.js';
import { InputError } from './errors.js';
import { registerGradients } from './gradients.js';
import {
  type FromPretrainedOptions,
  loadPretrained,
  type ModelClassSpec,
  type WeightDtype,
} from './load-pretrained.js';
import type { ModelFamily } from './model-family.js';
import { checkForwardOptions, type ForwardOptions, type ModelBatch } from './model-io.js';
import type { ForwardContext } from './nn.js';
import { type ModuleType, ParameterRegistry, type WeightSource } from './parameter-registry.js';
import type { PretrainedConfig } from './pretrained-config.js';
import type { Float32TensorData } from './safetensors.js';
import { savePretrainedFiles } from './save-pretrained.js';
import { SeededRandom } from './seeded-random.js';

/** Options when building a model from a config. */
export interface ModelInitOptions {
  /**
   * Seeds weight initialisation and, until `setSeed` is called, dropout.
   * Default 42. Two models built with the same config and seed are identical.
   */
  readonly seed?: number;
  /** @internal Checkpoint values by PyTorch name (used by `fromPretrained`). */
  readonly weightSource?: WeightSource;
}

/** Python's `output_loading_info=True` result, plus the text Python would have logged. */
export interface LoadingInfo {
  readonly missingKeys: string[];
  readonly unexpectedKeys: string[];
  /** `[checkpoint key, checkpoint shape, model shape]` of weights re-initialised for a shape mismatch. */
  readonly mismatchedKeys: [string, number[], number[]][];
  /** The messages transformers logs (`logger.warning` level), in order. */
  readonly warnings: string[];
  /** Messages transformers logs at `logger.info` level (e.g. unexpected keys of another architecture). */
  readonly infos: string[];
}

/** Loss and gradients of one batch, keyed by PyTorch parameter name. */
export interface LossAndGradients {
  readonly loss: tf.Scalar;
  readonly grads: Map<string, tf.Tensor>;
}

/** A concrete model class: how `fromConfig` / `fromPretrained` and the Auto registry build one. */
export interface ModelClass<M extends PreTrainedModel = PreTrainedModel> {
  new (config: M['config'], options?: ModelInitOptions): M;
  /** The Python class name (`BertForTokenClassification`), written to `architectures`. */
  readonly className: string;
  /** @internal The family whose main layer and head details the class uses (`@ner/models/internal`). */
  // biome-ignore lint/suspicious/noExplicitAny: each class narrows the family to its own config type.
  readonly family: ModelFamily<any>;
  /** Heads keep the main layer under `base_model_prefix` ("bert."); bare encoders have it at the root. */
  readonly hasHead: boolean;
}

/** Loads a checkpoint into `modelClass` (what `fromPretrained` and the Auto classes do). */
export function loadModel<M extends PreTrainedModel>(
  modelClass: ModelClass<M>,
  pathOrId: string,
  options: FromPretrainedOptions,
): Promise<M> {
  return loadPretrained(loadSpecOf(modelClass), pathOrId, options);
}

/** What `loadPretrained` needs to know about a model class. */
function loadSpecOf<M extends PreTrainedModel>(modelClass: ModelClass<M>): ModelClassSpec<M> {
  return {
    className: modelClass.className,
    modelType: modelClass.family.modelType,
    baseModelPrefix: modelClass.family.baseModelPrefix,
    expectsPrefix: modelClass.hasHead,
    buffers: modelClass.family.buffers,
    ignoreUnexpected: [],
    create: (config, options) => new modelClass(config as M['config'], options),
  };
}

/**
 * transformers' `PreTrainedModel`: the base of every model here. Holds the config and the weights
 * (tfjs Variables under PyTorch names, created in `named_parameters()` order from a seeded
 * generator), runs eval/train forward passes, gives a trainer the loss and gradients, and saves and
 * loads Python-compatible checkpoints (`fromPretrained`, `savePretrained`).
 */
export abstract class PreTrainedModel<C extends PretrainedConfig = PretrainedConfig> {
  readonly config: C;
  /** Filled by `fromPretrained`: which weights were missing, unexpected or re-initialised. */
  loadingInfo: LoadingInfo | null = null;
  /** @internal The weights by PyTorch name, as the model's modules create them. */
  protected readonly registry: ParameterRegistry;
  private readonly dropoutRng: SeededRandom;
  private weightFormat: WeightDtype = 'float32';

  constructor(config: C, options: ModelInitOptions = {}) {
    this.config = config;
    registerGradients();
    const seed = options.seed ?? 42;
    this.registry = new ParameterRegistry(new SeededRandom(seed), options.weightSource);
    // A separate stream for dropout, so loading a checkpoint does not shift the masks.
    this.dropoutRng = new SeededRandom(seed ^ 0x5bd1e995);
  }

  /** `'bf16'` once {@link useBf16Weights} ran (`fromPretrained(..., { dtype: 'bf16' })`), else `'float32'`. */
  get dtype(): WeightDtype {
    return this.weightFormat;
  }

  /**
   * Rounds every Linear weight to bfloat16 (biases, LayerNorm and embeddings stay float32) and
   * from then on asks the backend's fused inference kernels to read them packed as bf16: on the
   * `native` backend with AVX-512F that halves the bytes a one-sentence forward streams. Elsewhere
   * the same rounded weights run in float32 products, so every backend computes with the same
   * values. Irreversible for this model object (the float32 values are gone).
   */
  useBf16Weights(): void {
    for (const [name, variable] of this.registry.variables) {
      if (this.registry.moduleTypes.get(name) !== 'Linear' || !name.endsWith('.weight')) continue;
      const rounded = tf.tensor(roundToBf16(variable.dataSync() as Float32Array), variable.shape);
      variable.assign(rounded);
      rounded.dispose();
    }
    this.weightFormat = 'bf16';
  }

  /** The Python class name, written to `architectures` and used in messages. */
  get className(): string {
    return (this.constructor as ModelClass).className;
  }

  /** A model with freshly initialised weights (seeded: same config and seed, same weights), `from_config`. */
  static fromConfig<M extends PreTrainedModel>(
    this: ModelClass<M>,
    config: M['config'],
    options: ModelInitOptions = {},
  ): M {
    return new this(config, options);
  }

  /**
   * Loads config.json + model.safetensors from a folder or Hub id, like Python's
   * `from_pretrained` on the same class. See `FromPretrainedOptions`.
   */
  static fromPretrained<M extends PreTrainedModel>(
    this: ModelClass<M>,
    pathOrId: string,
    options: FromPretrainedOptions = {},
  ): Promise<M> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass called on, as in Python's classmethod.
    return loadModel(this, pathOrId, options);
  }

  /**
   * The weights as `[pytorchName, variable]` pairs in module order, e.g.
   * `['bert.encoder.layer.0.attention.self.query.weight', Variable]`. Linear
   * weights keep the PyTorch `[out, in]` layout, so gradients and saved
   * tensors line up with Python's `named_parameters()` one to one.
   */
  namedParameters(): [string, tf.Variable][] {
    return [...this.registry.variables.entries()];
  }

  /** The weights by PyTorch name (same objects as `namedParameters`). */
  get parameters(): ReadonlyMap<string, tf.Variable> {
    return this.registry.variables;
  }

  /** Trainable variables, the list to hand to `tf.variableGrads` or an optimizer. */
  trainableVariables(): tf.Variable[] {
    return [...this.registry.variables.values()].filter((variable) => variable.trainable);
  }

  /** Maps a tfjs variable name (unique per model) back to the PyTorch name. */
  parameterNameOf(variable: tf.Variable): string | undefined {
    for (const [name, candidate] of this.registry.variables) if (candidate === variable) return name;
    return undefined;
  }

  /** The torch module type of each weight (`Linear`, `LayerNorm`, `Embedding`), by PyTorch name. */
  parameterModuleTypes(): ReadonlyMap<string, ModuleType> {
    return this.registry.moduleTypes;
  }

  /**
   * Names that get weight decay under the Hugging Face Trainer rule
   * (`Trainer.get_decay_parameter_names`): weights outside LayerNorm modules
   * whose name has no "bias", in `named_parameters()` order. The rest
   * (biases, all LayerNorm weights, including DistilBERT's `sa_layer_norm`
   * and `output_layer_norm`) get none.
   */
  decayParameterNames(): string[] {
    return [...this.registry.moduleTypes]
      .filter(([name, type]) => type !== 'LayerNorm' && !name.includes('bias'))
      .map(([name]) => name);
  }

  /** Number of weights, like `model.num_parameters()`. */
  numParameters(): number {
    let total = 0;
    for (const variable of this.registry.variables.values()) total += variable.size;
    return total;
  }

  private gradientCheckpointing = false;

  /**
   * Recompute each transformer layer in the backward pass instead of keeping its activations
   * (Python `gradient_checkpointing_enable()`): a training step keeps one tensor per layer (its
   * input) in place of about a dozen, for one more forward pass of each layer. The gradients
   * are the same; dropout masks are replayed. Training only; a forward asked for its attention
   * probabilities keeps the activations. The Trainer calls it with `gradientCheckpointing`.
   */
  gradientCheckpointingEnable(): void {
    this.gradientCheckpointing = true;
  }

  /** Back to keeping the activations (Python `gradient_checkpointing_disable()`). */
  gradientCheckpointingDisable(): void {
    this.gradientCheckpointing = false;
  }

  /** Whether layers are recomputed in the backward pass (Python `is_gradient_checkpointing`). */
  get isGradientCheckpointing(): boolean {
    return this.gradientCheckpointing;
  }

  /** Restarts the dropout generator: same seed, same masks in the same call order. */
  setSeed(seed: number): void {
    this.dropoutRng.reseed(seed ^ 0x5bd1e995);
  }

  /** @internal Training flag and dropout generator for one forward. */
  protected context(options: ForwardOptions): ForwardContext {
    checkForwardOptions(options);
    return {
      training: options.training ?? false,
      rng: this.dropoutRng,
      gradientCheckpointing: this.gradientCheckpointing,
      outputAttentions: options.outputAttentions ?? this.config.outputAttentions,
      outputHiddenStates: options.outputHiddenStates ?? this.config.outputHiddenStates,
      // bf16 weights, or evaluation under bf16 autocast (TrainingArguments.bf16): the fused
      // inference kernels then read the weights rounded to bf16, as autocast's matmuls do.
      bf16: this.weightFormat === 'bf16' || matMulAutocast() === 'bf16',
    };
  }

  /**
   * The loss of a batch with labels as a scalar, the function to
   * differentiate: `tf.variableGrads(() => model.computeLoss(batch, {training: true}))`.
   */
  computeLoss(batch: ModelBatch, options: { training?: boolean } = {}): tf.Scalar {
    if (batch.labels == null) throw new InputError(`${this.className}.computeLoss needs batch.labels.`);
    return tf.tidy(() => {
      const output = this.forwardWithLoss(batch, { training: options.training ?? false });
      return output;
    });
  }

  /** Subclasses return the loss of a labelled batch (inside the caller's tidy). */
  protected abstract forwardWithLoss(batch: ModelBatch, options: ForwardOptions): tf.Scalar;

  /**
   * Loss and gradients of every trainable weight for one batch (the
   * `loss.backward()` step), gradients keyed by PyTorch name. The caller
   * disposes `loss` and the gradient tensors.
   */
  computeGradients(batch: ModelBatch, options: { training?: boolean } = {}): LossAndGradients {
    const variables = this.trainableVariables();
    const { value, grads } = leanVariableGrads(() => this.computeLoss(batch, options), variables);
    const byName = new Map<string, tf.Tensor>();
    for (const [name, variable] of this.registry.variables) {
      const grad = grads[variable.name];
      if (grad) byName.set(name, grad);
    }
    return { loss: value, grads: byName };
  }

  /** Current weights as float32 arrays by PyTorch name (what `save_pretrained` writes). */
  stateDict(): Map<string, Float32TensorData> {
    const out = new Map<string, Float32TensorData>();
    for (const [name, variable] of this.registry.variables) {
      out.set(name, { shape: [...variable.shape], data: variable.dataSync() as Float32Array });
    }
    return out;
  }

  /**
   * Writes `config.json` and `model.safetensors` to `dir` the way
   * `save_pretrained(dir, safe_serialization=True)` does (sets
   * `config.architectures` and `torch_dtype` like Python). Atomic: a new
   * folder is written under a temporary name and renamed; in an existing
   * folder each file is written to a temporary name and renamed over the old
   * one, so other files there (tokenizer, trainer state) are kept.
   */
  async savePretrained(dir: string): Promise<void> {
    this.config.architectures = [this.className];
    this.config.torchDtype = 'float32';
    await savePretrainedFiles(dir, this.config.toJSONString(), this.stateDict());
  }

  /** Frees every weight. The model cannot be used afterwards. */
  dispose(): void {
    this.registry.dispose();
  }
}
