import { InvalidPipelineOptionError, PipelineError } from './errors.js';
import {
  loadPretrainedModel,
  loadPretrainedTokenizer,
  type PretrainedLoadOptions,
  toPipelineModel,
  toPipelineTokenizer,
} from './load-pretrained.js';
import { callDefaults, checkPipelineFactoryOptions } from './option-names.js';
import type { PipelineModel, PipelineTokenizer } from './pipeline-interfaces.js';
import {
  TextClassificationPipeline,
  type TextClassificationPipelineOptions,
} from './text-classification-pipeline.js';
import type { LabelScore } from './text-classification-postprocess.js';
import {
  TokenClassificationPipeline,
  type TokenClassificationPipelineOptions,
} from './token-classification-pipeline.js';
import type { TokenClassificationOutput } from './types.js';

/** Task names `pipeline()` accepts (aliases as in transformers). */
export type TokenClassificationTask = 'token-classification' | 'ner';
export type TextClassificationTask = 'text-classification' | 'sentiment-analysis';

/** Where the model and tokenizer come from. */
export interface PipelineSource extends PretrainedLoadOptions {
  /**
   * A local folder (`config.json` + `model.safetensors`), a Hub id
   * (`"dslim/bert-base-NER"`), an `@ner/models` model, or a {@link PipelineModel}.
   */
  model: string | PipelineModel | object;
  /** Defaults to the model's folder / Hub id; or an `@ner/align` tokenizer, or a {@link PipelineTokenizer}. */
  tokenizer?: string | PipelineTokenizer | object;
}

/** A callable token-classification pipeline: `await ner(text)` → entities. */
export interface TokenClassifier {
  (input: string, options?: TokenClassificationPipelineOptions): Promise<TokenClassificationOutput>;
  (
    input: readonly string[],
    options: TokenClassificationPipelineOptions & { isSplitIntoWords: true },
  ): Promise<TokenClassificationOutput>;
  (
    input: readonly string[] | readonly (readonly string[])[],
    options?: TokenClassificationPipelineOptions,
  ): Promise<TokenClassificationOutput[]>;
  readonly pipeline: TokenClassificationPipeline;
  /** Frees the model's tensors. */
  dispose(): void;
}

/** A callable text-classification pipeline: `await classify(text)` → `[{label, score}]`. */
export interface TextClassifier {
  (
    input: string | readonly string[],
    options?: TextClassificationPipelineOptions,
  ): Promise<LabelScore[] | LabelScore[][]>;
  readonly pipeline: TextClassificationPipeline;
  dispose(): void;
}

async function resolveComponents(
  source: PipelineSource,
  task: 'token' | 'sequence',
): Promise<{ model: PipelineModel; tokenizer: PipelineTokenizer }> {
  if (source === null || typeof source !== 'object' || source.model === undefined) {
    throw new PipelineError('pipeline() needs options with a `model` (folder, Hub id or loaded model).');
  }
  if (source.dtype !== undefined && typeof source.model !== 'string')
    throw new PipelineError(
      'pipeline(): `dtype` applies when the model is loaded from a folder or Hub id; ' +
        'load the model with fromPretrained(..., { dtype }) yourself and pass it without `dtype`.',
    );
  const model =
    typeof source.model === 'string'
      ? await loadPretrainedModel(source.model, task, source)
      : toPipelineModel(source.model as object);
  const tokenizerSource = source.tokenizer ?? (typeof source.model === 'string' ? source.model : undefined);
  if (tokenizerSource === undefined) {
    throw new PipelineError('pipeline(): pass `tokenizer` when `model` is an already-loaded model.');
  }
  const tokenizer =
    typeof tokenizerSource === 'string'
      ? await loadPretrainedTokenizer(tokenizerSource, source)
      : toPipelineTokenizer(tokenizerSource as object);
  return { model, tokenizer };
}

/**
 * Builds a pipeline like transformers' `pipeline(task, model=..., ...)`. The
 * other options become the defaults of every call and can be overridden per call.
 *
 * @example
 * const ner = await pipeline('ner', { model: './my-model', aggregationStrategy: 'simple' });
 * await ner('My name is Sylvain and I work at Hugging Face in Brooklyn.');
 */
export async function pipeline(
  task: TokenClassificationTask,
  options: PipelineSource & TokenClassificationPipelineOptions,
): Promise<TokenClassifier>;
export async function pipeline(
  task: TextClassificationTask,
  options: PipelineSource & TextClassificationPipelineOptions,
): Promise<TextClassifier>;
export async function pipeline(
  task: TokenClassificationTask | TextClassificationTask,
  options: PipelineSource & (TokenClassificationPipelineOptions | TextClassificationPipelineOptions),
): Promise<TokenClassifier | TextClassifier> {
  if (options === null || typeof options !== 'object') {
    throw new InvalidPipelineOptionError(
      `pipeline(): options must be an object with a model, got ${String(options)}`,
    );
  }
  const kind = task === 'text-classification' || task === 'sentiment-analysis' ? 'text' : 'token';
  checkPipelineFactoryOptions(options, kind);
  const defaults = callDefaults(options, kind);
  if (task === 'token-classification' || task === 'ner') {
    const { model, tokenizer } = await resolveComponents(options, 'token');
    const p = new TokenClassificationPipeline(
      model,
      tokenizer,
      defaults as TokenClassificationPipelineOptions,
    );
    const call = (input: never, callOptions?: TokenClassificationPipelineOptions) =>
      p.run(input, callOptions);
    return Object.assign(call, {
      pipeline: p,
      dispose: () => model.dispose?.(),
    }) as unknown as TokenClassifier;
  }
  if (task === 'text-classification' || task === 'sentiment-analysis') {
    const { model, tokenizer } = await resolveComponents(options, 'sequence');
    const p = new TextClassificationPipeline(model, tokenizer, defaults as TextClassificationPipelineOptions);
    const call = (input: string | readonly string[], callOptions?: TextClassificationPipelineOptions) =>
      p.run(input, callOptions);
    return Object.assign(call, { pipeline: p, dispose: () => model.dispose?.() }) as TextClassifier;
  }
  throw new PipelineError(
    `Unknown pipeline task "${String(task)}": expected "token-classification" (alias "ner") or "text-classification" (alias "sentiment-analysis").`,
  );
}
