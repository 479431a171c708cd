import { isLengthLimit } from '@ner/align';
import type { PipelineModel, PipelineTokenizer } from './pipeline-interfaces.js';

/**
 * The longest encoding a model accepts through this tokenizer: the smaller of
 * `model_max_length` and `max_position_embeddings`, where each is known
 * (`VERY_LARGE_INTEGER`, no limit, when neither is).
 */
export function maxModelLength(model: PipelineModel, tokenizer: PipelineTokenizer): number {
  const positions = model.config.maxPositionEmbeddings;
  const limit = tokenizer.modelMaxLength;
  if (positions === undefined) return limit;
  return isLengthLimit(limit) ? Math.min(positions, limit) : positions;
}
