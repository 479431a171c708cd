import {
  AutoModelForSequenceClassification,
  AutoModelForTokenClassification,
  initBackend,
} from '@ner/models';
import { PipelineError } from './errors.js';
import { isLocalFolder, readPipelineFolder, requireId2Label } from './model-folder.js';
import { fromNerModel, isNerModel } from './models-adapter.js';
import type { PipelineModel, PipelineTokenizer } from './pipeline-interfaces.js';
import { loadPipelineTokenizer } from './tokenizer-adapter.js';

/** Options passed through to the Hub download when `model` is a Hub id. */
export interface PretrainedLoadOptions {
  revision?: string;
  cacheDir?: string;
  localFilesOnly?: boolean;
}

function isPipelineModel(value: object): value is PipelineModel {
  return (
    typeof (value as PipelineModel).predict === 'function' &&
    typeof (value as PipelineModel).config === 'object'
  );
}

/** Wraps an already-loaded model (`@ner/models` or a {@link PipelineModel}) into the shape the pipeline uses. */
export function toPipelineModel(value: object): PipelineModel {
  if (isPipelineModel(value)) return value;
  if (isNerModel(value)) return fromNerModel(value);
  throw new PipelineError(
    '`model` is neither a folder/Hub id nor a loaded model with a config and forward().',
  );
}

export { toPipelineTokenizer } from './tokenizer-adapter.js';

function hubOptions(options: PretrainedLoadOptions) {
  return {
    ...(options.revision === undefined ? {} : { revision: options.revision }),
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.localFilesOnly === undefined ? {} : { localFilesOnly: options.localFilesOnly }),
  };
}

/**
 * Loads a model (through `@ner/models`, after picking the best tfjs backend) and
 * its tokenizer (through `@ner/align`) from a local folder or a Hub id. A local
 * folder is checked first so a missing `config.json` or, for token
 * classification, a missing `id2label` is reported in plain words.
 */
export async function loadPretrainedModel(
  idOrPath: string,
  task: 'token' | 'sequence',
  options: PretrainedLoadOptions = {},
): Promise<PipelineModel> {
  if (isLocalFolder(idOrPath)) {
    const info = readPipelineFolder(idOrPath);
    if (task === 'token') requireId2Label(info);
  } else if (/^[./~]|\\/.test(idOrPath) || idOrPath.split('/').length > 2) {
    // Looks like a path, not an "org/name" Hub id.
    readPipelineFolder(idOrPath);
  }
  // Picks (once per process) and prints the best installed tfjs backend; NER_BACKEND forces one.
  await initBackend();
  const Auto = task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
  return fromNerModel(await Auto.fromPretrained(idOrPath, hubOptions(options)));
}

/** Loads the tokenizer saved with a model (folder or Hub id). */
export async function loadPretrainedTokenizer(
  idOrPath: string,
  options: PretrainedLoadOptions = {},
  maxPositionEmbeddings?: number,
): Promise<PipelineTokenizer> {
  return loadPipelineTokenizer(idOrPath, hubOptions(options), maxPositionEmbeddings);
}
