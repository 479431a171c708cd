/**
 * transformers' `BertForMaskedLM`: BERT without pooler (`bert.…`) and the MLM head (`cls.predictions…`,
 * decoder tied to the word embeddings). Masked-language-model pretraining from scratch, and a
 * checkpoint that `BertForTokenClassification.fromPretrained` reads like Python does (encoder
 * weights reused, `cls.*` reported as unused, `classifier` freshly initialised).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors.js';
import { type FromPretrainedOptions, loadPretrained } from '../load-pretrained.js';
import { crossEntropyIgnoringIndex, IGNORE_INDEX } from '../losses.js';
import type { MainLayer } from '../model-family.js';
import {
  type ForwardOptions,
  type ModelBatch,
  type ModelOutput,
  checkClassLabels,
  headOutput,
  prepareInputs,
} from '../model-io.js';
import { type ModelClass, type ModelInitOptions, PreTrainedModel } from '../pretrained-model.js';
import type { BertConfig } from './config.js';
import { BERT_FAMILY } from './family.js';
import { BertMaskedLMHead } from './masked-lm-head.js';

/** Checkpoint keys a masked-LM model ignores: Python's tied copies (`cls.predictions.decoder.{weight,bias}`). */
const TIED_COPIES = [/^cls\.predictions\.decoder\.(weight|bias)$/];

/** The ids and labels of the positions whose label is not -100 (all of them when none is). */
function labelledPositions(labels: tf.Tensor): { positions: Int32Array; targets: Int32Array } {
  const values = labels.dataSync();
  const positions: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== IGNORE_INDEX) positions.push(i);
  // No masked token in the batch: keep one ignored position so the loss is 0 with zero gradients.
  if (positions.length === 0) return { positions: Int32Array.of(0), targets: Int32Array.of(IGNORE_INDEX) };
  return { positions: Int32Array.from(positions), targets: Int32Array.from(positions, (i) => values[i]!) };
}

/**
 * transformers' `BertForMaskedLM`: logits `[B, T, vocab_size]` for every token; the loss is the mean
 * cross-entropy over tokens whose label is not -100 (the masked ones, as `DataCollatorForLanguageModeling`
 * labels them). Saves `cls.predictions.bias` and `cls.predictions.transform.*`; the decoder weight is
 * `bert.embeddings.word_embeddings.weight` itself, so training updates one table for both.
 *
 * @example
 * const model = BertForMaskedLM.fromConfig(new BertConfig({ vocabSize: 100, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 64 }));
 * const loss = model.computeLoss({ input_ids: [[2, 4, 3]], labels: [[-100, 7, -100]] });
 */
export class BertForMaskedLM extends PreTrainedModel<BertConfig> {
  static readonly className = 'BertForMaskedLM';
  /** @internal The family's layers and head details (`ModelFamily`, from `@ner/models/internal`). */
  static readonly family = BERT_FAMILY;
  static readonly hasHead: boolean = true;
  private readonly mainLayer: MainLayer;
  private readonly head: BertMaskedLMHead;

  constructor(config: BertConfig, options: ModelInitOptions = {}) {
    super(config, options);
    this.mainLayer = BERT_FAMILY.createMainLayer(this.registry, 'bert.', config, false);
    const wordEmbeddings = this.registry.variables.get('bert.embeddings.word_embeddings.weight');
    if (!wordEmbeddings) throw new Error('BertForMaskedLM: the main layer has no word embeddings to tie to.');
    this.head = new BertMaskedLMHead(this.registry, config, wordEmbeddings);
  }

  /**
   * Loads a BERT checkpoint (`BertForMaskedLM`, `BertForPreTraining`, or any `bert.…` encoder) like
   * Python's `BertForMaskedLM.from_pretrained`: a missing `cls.*` is initialised and reported.
   */
  static override fromPretrained<M extends PreTrainedModel>(
    this: ModelClass<M>,
    pathOrId: string,
    options: FromPretrainedOptions = {},
  ): Promise<M> {
    return loadPretrained<M>(
      {
        className: BertForMaskedLM.className,
        modelType: 'bert',
        baseModelPrefix: BERT_FAMILY.baseModelPrefix,
        expectsPrefix: true,
        buffers: BERT_FAMILY.buffers,
        ignoreUnexpected: TIED_COPIES,
        // `this` is the class called on (a subclass builds itself), as in Python's classmethod.
        create: (config, init) => new this(config as M['config'], init),
      },
      pathOrId,
      options,
    );
  }

  /** Vocabulary logits, and the masked-LM loss when `batch.labels` is given. The caller disposes the result. */
  forward(batch: ModelBatch, options: ForwardOptions = {}): ModelOutput {
    return tf.tidy(() => {
      const inputs = prepareInputs(batch, BERT_FAMILY.inputLimits(this.config));
      const result = this.mainLayer.run(inputs, this.context(options));
      const logits = this.head.run(result.lastHiddenState);
      let loss: tf.Scalar | null = null;
      if (inputs.labels) {
        this.checkLabels(inputs.labels, inputs.inputIds.shape);
        loss = crossEntropyIgnoringIndex(logits, inputs.labels);
      }
      const output = headOutput(this.config, result, logits, loss, options);
      return output as unknown as tf.TensorContainer;
    }) as unknown as ModelOutput;
  }

  /**
   * The same loss as `forward`, computing vocabulary logits only at the labelled (masked) positions:
   * about 15% of the tokens, so the decoder, the largest product of the model, costs a sixth.
   */
  protected forwardWithLoss(batch: ModelBatch, options: ForwardOptions): tf.Scalar {
    const inputs = prepareInputs(batch, BERT_FAMILY.inputLimits(this.config));
    const labels = inputs.labels!;
    this.checkLabels(labels, inputs.inputIds.shape);
    const result = this.mainLayer.run(inputs, this.context(options));
    const { positions, targets } = labelledPositions(labels);
    const hidden = tf.gather(tf.reshape(result.lastHiddenState, [-1, this.config.hiddenSize]), positions);
    return crossEntropyIgnoringIndex(this.head.run(hidden), tf.tensor1d(targets, 'int32'));
  }

  private checkLabels(labels: tf.Tensor, shape: readonly number[]): void {
    if (labels.rank !== 2 || labels.shape[0] !== shape[0] || labels.shape[1] !== shape[1]) {
      throw new InputError(
        `labels has shape [${labels.shape.join(', ')}]; masked language modeling expects [${shape.join(', ')}] like input_ids.`,
      );
    }
    checkClassLabels(labels, this.config.vocabSize);
  }
}
