import { isLengthLimit } from '@ner/align';
import type { PipelineModel, PipelineTokenizer } from './pipeline-interfaces.js';

/**
 * What every pipeline holds, as transformers' `Pipeline` base class: the model,
 * the tokenizer, the options given at creation (the defaults of each call), and
 * the longest encoding the pair accepts.
 */
export abstract class PipelineBase<Options extends object> {
  constructor(
    readonly model: PipelineModel,
    readonly tokenizer: PipelineTokenizer,
    readonly defaults: Options = {} as Options,
  ) {}

  /**
   * The smaller of the tokenizer's `model_max_length` and the model's
   * `max_position_embeddings`, where each is known (`VERY_LARGE_INTEGER`, no
   * limit, when neither is).
   */
  get maxLength(): number {
    const positions = this.model.config.maxPositionEmbeddings;
    const limit = this.tokenizer.modelMaxLength;
    if (positions === undefined) return limit;
    return isLengthLimit(limit) ? Math.min(positions, limit) : positions;
  }
}
