/**
 * The option names of the collators and the loader, checked as Python checks its keyword
 * arguments (an unexpected one is a `TypeError` there): `new DataLoader(rows, { batch_size: 32 })`
 * would otherwise load one row per batch without a word.
 */
import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
} from '../../../tools/option-names/index.js';
import type { DataLoaderOptions } from './data-loader.js';
import { CollateConfigError } from './errors.js';
import type { LanguageModelingCollatorOptions } from './language-modeling-collator.js';
import type { PadOptions } from './pad-features.js';
import type { PaddedCollatorOptions } from './padded-collator.js';
import type { TokenClassificationCollatorOptions } from './token-classification-collator.js';

const PAD_NAMES = [
  'tokenizer',
  'padTokenId',
  'padTokenTypeId',
  'padding',
  'maxLength',
  'padToMultipleOf',
  'paddingSide',
  'returnAttentionMask',
  'extraKeys',
] as const satisfies readonly (keyof PadOptions)[];
const PADDED_NAMES = [
  ...PAD_NAMES,
  'returnTensors',
] as const satisfies readonly (keyof PaddedCollatorOptions)[];
const TOKEN_NAMES = [
  ...PADDED_NAMES,
  'labelPadTokenId',
] as const satisfies readonly (keyof TokenClassificationCollatorOptions)[];
const LANGUAGE_MODELING_NAMES = [
  ...PADDED_NAMES,
  'mlm',
  'maskTokenId',
  'vocabSize',
  'specialTokenIds',
  'mlmProbability',
  'maskReplaceProb',
  'randomReplaceProb',
  'seed',
] as const satisfies readonly (keyof LanguageModelingCollatorOptions)[];
const LOADER_NAMES = [
  'batchSize',
  'shuffle',
  'seed',
  'dropLast',
  'collateFn',
  'groupByLength',
  'lengths',
  'megabatchMult',
  'sampler',
  'numProcesses',
  'processIndex',
  'evenBatches',
] as const satisfies readonly (keyof DataLoaderOptions<unknown, unknown>)[];

/** A compile error here names an option to add to one of the lists above. */
export const collateOptionNamesAreWhole: ListIsWhole<
  | UnlistedOptions<PadOptions, typeof PAD_NAMES>
  | UnlistedOptions<PaddedCollatorOptions, typeof PADDED_NAMES>
  | UnlistedOptions<TokenClassificationCollatorOptions, typeof TOKEN_NAMES>
  | UnlistedOptions<LanguageModelingCollatorOptions, typeof LANGUAGE_MODELING_NAMES>
  | UnlistedOptions<DataLoaderOptions<unknown, unknown>, typeof LOADER_NAMES>
> = true;

const NO_WORKERS = 'rows are collated in the calling thread; there are no loader workers';

/** torch `DataLoader` arguments with no counterpart here, with why. */
const LOADER_UNSUPPORTED: OptionNames['unsupported'] = {
  numWorkers: { reason: NO_WORKERS, harmless: [0] },
  workerInitFn: { reason: NO_WORKERS, harmless: [null] },
  prefetchFactor: { reason: NO_WORKERS, harmless: [null] },
  persistentWorkers: { reason: NO_WORKERS, harmless: [false] },
  pinMemory: { reason: 'batches are host arrays; nothing is pinned', harmless: [false, true] },
  timeout: { reason: 'batches are made in the calling thread, so nothing waits on a worker', harmless: [0] },
  generator: {
    reason: 'the shuffle is seeded by seed (torch.Generator().manual_seed(seed + epoch))',
    harmless: [null],
  },
  batchSampler: { reason: 'give sampler (an index order) and batchSize', harmless: [null] },
};

/** Which options each class takes. */
export const OPTION_NAMES = {
  padFeatures: { known: PAD_NAMES },
  DataCollatorWithPadding: { known: PADDED_NAMES },
  DataCollatorForTokenClassification: { known: TOKEN_NAMES },
  DataCollatorForLanguageModeling: { known: LANGUAGE_MODELING_NAMES },
  DefaultDataCollator: { known: ['returnTensors'] },
  DataLoader: { known: LOADER_NAMES, unsupported: LOADER_UNSUPPORTED },
} as const satisfies Record<string, OptionNames>;

/** Throws {@link CollateConfigError} naming the first option `owner` does not take. */
export function checkOptionNames(options: unknown, owner: keyof typeof OPTION_NAMES): void {
  assertOptionNames(
    options,
    OPTION_NAMES[owner],
    (name, problem) => new CollateConfigError(name ?? 'options', `${owner}: ${problem}`),
  );
}
