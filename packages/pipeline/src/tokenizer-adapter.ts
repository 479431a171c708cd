import { PipelineError } from './errors.js';
import type { PipelineTokenizer } from './pipeline-interfaces.js';

function isPipelineTokenizer(value: object): value is PipelineTokenizer {
  return typeof (value as PipelineTokenizer).encodeText === 'function' && 'traits' in value;
}

/** Wraps an already-loaded tokenizer into the shape the pipeline uses. */
export function toPipelineTokenizer(value: object): PipelineTokenizer {
  if (isPipelineTokenizer(value)) return value;
  throw new PipelineError('`tokenizer` is neither a folder/Hub id nor a loaded tokenizer with encode().');
}

/** Loads a tokenizer (folder or Hub id) through `@ner/align`. */
export async function loadPipelineTokenizer(
  idOrPath: string,
  _hub: Record<string, unknown>,
  _maxPositionEmbeddings?: number,
): Promise<PipelineTokenizer> {
  throw new PipelineError(`Cannot load the tokenizer of ${idOrPath}: @ner/align is not available yet.`);
}
