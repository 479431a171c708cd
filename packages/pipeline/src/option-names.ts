/**
 * The option names each pipeline takes, checked as Python checks its keyword arguments (an
 * unexpected one is a `TypeError` there): `aggregation_strategy: 'simple'` or a misspelt
 * `aggregationStrategie` would otherwise leave the tokens ungrouped without a word.
 */
import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
} from '@ner/models/internal';
import { InvalidPipelineOptionError } from './errors.js';
import type { PipelineSource } from './factory.js';
import type { TextClassificationPipelineOptions } from './text-classification-pipeline.js';
import type { TokenClassificationPipelineOptions } from './token-classification-pipeline.js';

/** Every option of {@link TokenClassificationPipelineOptions}; the compiler checks the list is whole. */
const TOKEN_OPTION_NAMES = [
  'aggregationStrategy',
  'ignoreLabels',
  'stride',
  'offsetMapping',
  'groupedEntities',
  'ignoreSubwords',
  'batchSize',
  'isSplitIntoWords',
] as const satisfies readonly (keyof TokenClassificationPipelineOptions)[];

/** Every option of {@link TextClassificationPipelineOptions}; the compiler checks the list is whole. */
const TEXT_OPTION_NAMES = [
  'topK',
  'functionToApply',
  'truncation',
  'batchSize',
] as const satisfies readonly (keyof TextClassificationPipelineOptions)[];

/** Every option of {@link PipelineSource}; the compiler checks the list is whole. */
const SOURCE_OPTION_NAMES = [
  'model',
  'tokenizer',
  'revision',
  'cacheDir',
  'localFilesOnly',
  'dtype',
] as const satisfies readonly (keyof PipelineSource)[];

/** A compile error here names an option to add to one of the lists above. */
export const pipelineOptionNamesAreWhole: ListIsWhole<
  | UnlistedOptions<TokenClassificationPipelineOptions, typeof TOKEN_OPTION_NAMES>
  | UnlistedOptions<TextClassificationPipelineOptions, typeof TEXT_OPTION_NAMES>
  | UnlistedOptions<PipelineSource, typeof SOURCE_OPTION_NAMES>
> = true;

const BACKEND_CHOSEN = 'the model runs on the active tfjs backend, which initBackend() chooses';

/** Python's `pipeline()` keyword arguments with no counterpart here, with why. */
const SOURCE_UNSUPPORTED: OptionNames['unsupported'] = {
  device: { reason: BACKEND_CHOSEN, harmless: [null] },
  deviceMap: { reason: BACKEND_CHOSEN, harmless: [null] },
  torchDtype: { reason: "dtype: 'bf16' loads the Linear weights in bfloat16", harmless: [null] },
  framework: { reason: 'the models here are TensorFlow.js models', harmless: [null] },
  useFast: { reason: 'the tokenizers are fast ones (tokenizer.json)', harmless: [true] },
  trustRemoteCode: { reason: 'only the BERT and DistilBERT code here runs', harmless: [false, null] },
  token: { reason: 'set HF_TOKEN in the environment (or log in with the Hub CLI)', harmless: [null] },
  modelKwargs: { reason: 'pass a model you loaded yourself', harmless: [null] },
  config: { reason: "the config comes from the model's folder", harmless: [null] },
};

const TOKEN_OPTIONS: OptionNames = { known: TOKEN_OPTION_NAMES };
const TEXT_OPTIONS: OptionNames = { known: TEXT_OPTION_NAMES };

/** Throws {@link InvalidPipelineOptionError} naming the first option `names` does not take. */
function check(options: object, names: OptionNames, where: string): void {
  assertOptionNames(
    options,
    names,
    (name, problem) => new InvalidPipelineOptionError(`${where}: ${name ? `${name}: ` : ''}${problem}`),
  );
}

/** The options of `pipeline(task, options)`: where the model comes from and the call defaults. */
export function checkPipelineFactoryOptions(options: object, task: 'token' | 'text'): void {
  const callNames = task === 'token' ? TOKEN_OPTION_NAMES : TEXT_OPTION_NAMES;
  check(
    options,
    { known: [...SOURCE_OPTION_NAMES, ...callNames], unsupported: SOURCE_UNSUPPORTED },
    'pipeline()',
  );
}

/**
 * The call options among `pipeline()`'s options (the defaults of every call): without where the
 * model comes from, and without Python arguments taken because they ask for nothing.
 */
export function callDefaults(options: object, task: 'token' | 'text'): Record<string, unknown> {
  const callNames: readonly string[] = task === 'token' ? TOKEN_OPTION_NAMES : TEXT_OPTION_NAMES;
  return Object.fromEntries(Object.entries(options).filter(([name]) => callNames.includes(name)));
}

/** The options of a token-classification call (with the pipeline's defaults). */
export function checkTokenClassificationOptions(options: object): void {
  check(options, TOKEN_OPTIONS, 'token-classification pipeline');
}

/** The options of a text-classification call (with the pipeline's defaults). */
export function checkTextClassificationOptions(options: object): void {
  check(options, TEXT_OPTIONS, 'text-classification pipeline');
}
