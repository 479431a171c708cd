import { PipelineError } from './errors.js';
import type { PipelineModel, PipelineTokenizer } from './pipeline-interfaces.js';

/** Options passed through to the Hub download when `model` is a Hub id. */
export interface PretrainedLoadOptions {
  revision?: string;
  cacheDir?: string;
  localFilesOnly?: boolean;
}

/** A model and a lazily built tokenizer loaded from one folder or Hub id. */
export interface PretrainedComponents {
  model: PipelineModel;
  tokenizer(): PipelineTokenizer;
}

function isPipelineModel(value: object): value is PipelineModel {
  return (
    typeof (value as PipelineModel).predict === 'function' &&
    typeof (value as PipelineModel).config === 'object'
  );
}

function isPipelineTokenizer(value: object): value is PipelineTokenizer {
  return typeof (value as PipelineTokenizer).encodeText === 'function' && 'traits' in value;
}

/** Wraps an already-loaded model into the shape the pipeline uses. */
export function toPipelineModel(value: object, _task: 'token' | 'sequence'): PipelineModel {
  if (isPipelineModel(value)) return value;
  throw new PipelineError(
    '`model` is neither a folder/Hub id nor a loaded model with a config and forward().',
  );
}

/** Wraps an already-loaded tokenizer into the shape the pipeline uses. */
export function toPipelineTokenizer(value: object): PipelineTokenizer {
  if (isPipelineTokenizer(value)) return value;
  throw new PipelineError('`tokenizer` is neither a folder/Hub id nor a loaded tokenizer with encode().');
}

/** Loads model and tokenizer from a local folder or a Hub id. */
export async function loadPretrainedComponents(
  idOrPath: string,
  _task: 'token' | 'sequence',
  _options: PretrainedLoadOptions & { tokenizerOnly?: boolean },
): Promise<PretrainedComponents> {
  throw new PipelineError(`Loading ${idOrPath}: waiting for @ner/models and @ner/align.`);
}
