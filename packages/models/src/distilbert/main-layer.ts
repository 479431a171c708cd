import type { EncoderResult, MainLayer } from '../model-family.js';
import type { PreparedInputs } from '../model-io.js';
import { extendedAttentionMask, type ForwardContext } from '../nn.js';
import type { ParameterRegistry } from '../parameter-registry.js';
import type { DistilBertConfig } from './config.js';
import { DistilBertEmbeddings } from './embeddings.js';
import { DistilBertTransformer } from './transformer.js';

/**
 * The body of transformers' `DistilBertModel` (TF: `TFDistilBertMainLayer`): `embeddings` and
 * `transformer`, registered under `prefix` ("" for `DistilBertModel`, "distilbert." inside a head).
 * DistilBERT has no pooler.
 */
export class DistilBertMainLayer implements MainLayer {
  private readonly embeddings: DistilBertEmbeddings;
  private readonly transformer: DistilBertTransformer;

  constructor(registry: ParameterRegistry, prefix: string, config: DistilBertConfig) {
    config.validate();
    this.embeddings = new DistilBertEmbeddings(registry, prefix, config);
    this.transformer = new DistilBertTransformer(registry, prefix, config);
  }

  /** Runs embeddings and blocks (token types are not used); call inside `tf.tidy`. */
  run(inputs: PreparedInputs, ctx: ForwardContext): EncoderResult {
    const embedded = this.embeddings.run(inputs.inputIds, ctx);
    // masked_fill(mask == 0, finfo.min) and adding (1 - mask) * finfo.min give identical softmax outputs.
    const stack = this.transformer.run(embedded, extendedAttentionMask(inputs.attentionMask), ctx);
    return { ...stack, pooled: null };
  }
}
