/**
 * The option names of `loadDataset` and the dataset methods, checked as Python checks keyword
 * arguments: `map(fn, { batched: true, remove_columns: ['tokens'] })` would otherwise keep the
 * column without a word.
 */
import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
} from '../../../tools/option-names/index.js';
import type { FilterOptions, MapOptions, ShuffleOptions, SortOptions } from './dataset.js';
import { DatasetUsageError } from './errors.js';
import type { LoadDatasetOptions } from './load-dataset.js';
import type { TrainTestSplitOptions } from './train-test-split.js';

const MAP_NAMES = [
  'batched',
  'batchSize',
  'removeColumns',
  'features',
] as const satisfies readonly (keyof MapOptions)[];
const FILTER_NAMES = ['batched', 'batchSize'] as const satisfies readonly (keyof FilterOptions)[];
const SHUFFLE_NAMES = ['seed'] as const satisfies readonly (keyof ShuffleOptions)[];
const SORT_NAMES = ['reverse'] as const satisfies readonly (keyof SortOptions)[];
const SPLIT_NAMES = [
  'testSize',
  'trainSize',
  'shuffle',
  'seed',
] as const satisfies readonly (keyof TrainTestSplitOptions)[];
const LOAD_NAMES = [
  'maxFileBytes',
  'maxLineChars',
  'maxTokensPerSentence',
  'maxJsonDepth',
  'maxColumns',
  'maxCells',
  'cacheDir',
  'token',
  'endpoint',
  'localFilesOnly',
  'retry',
  'progress',
  'revision',
  'split',
  'name',
  'dataFiles',
  'format',
  'features',
  'conll',
  'corpus',
] as const satisfies readonly (keyof LoadDatasetOptions)[];

/** A compile error here names an option to add to one of the lists above. */
export const datasetOptionNamesAreWhole: ListIsWhole<
  | UnlistedOptions<MapOptions, typeof MAP_NAMES>
  | UnlistedOptions<FilterOptions, typeof FILTER_NAMES>
  | UnlistedOptions<ShuffleOptions, typeof SHUFFLE_NAMES>
  | UnlistedOptions<SortOptions, typeof SORT_NAMES>
  | UnlistedOptions<TrainTestSplitOptions, typeof SPLIT_NAMES>
  | UnlistedOptions<LoadDatasetOptions, typeof LOAD_NAMES>
> = true;

const IN_PROCESS = 'the function runs in this process, on the rows in memory';

/** 🤗 Datasets' `map` / `filter` arguments with no counterpart here, with why. */
const METHOD_UNSUPPORTED: OptionNames['unsupported'] = {
  numProc: { reason: IN_PROCESS, harmless: [null, 1] },
  loadFromCacheFile: { reason: 'results are not cached on disk', harmless: 'any' },
  keepInMemory: { reason: 'datasets are held in memory', harmless: 'any' },
  desc: { reason: 'there is no progress bar', harmless: 'any' },
  withIndices: {
    reason: 'the function always gets the row index (the batch indices) as its second argument',
    harmless: [true, false],
  },
  inputColumns: {
    reason: 'the function gets whole rows (or batches); read the columns there',
    harmless: [null],
  },
  fnKwargs: { reason: 'close over the arguments in the function', harmless: [null] },
};

/** `load_dataset` arguments with no counterpart here, with why. */
const LOAD_UNSUPPORTED: OptionNames['unsupported'] = {
  trustRemoteCode: {
    reason: 'no loading scripts run here; the data files are read',
    harmless: [false, null],
  },
  streaming: { reason: 'datasets are read into memory', harmless: [false] },
  numProc: { reason: 'files are read in this process', harmless: [null, 1] },
  keepInMemory: { reason: 'datasets are held in memory', harmless: 'any' },
  dataDir: { reason: 'give the files through dataFiles', harmless: [null] },
  downloadMode: { reason: 'delete the cached files to download them again', harmless: [null] },
  verificationMode: { reason: 'file sizes and checksums are not verified', harmless: [null] },
};

const NAMES = {
  map: { known: MAP_NAMES, unsupported: METHOD_UNSUPPORTED },
  filter: { known: FILTER_NAMES, unsupported: METHOD_UNSUPPORTED },
  trainTestSplit: {
    known: SPLIT_NAMES,
    unsupported: { stratifyByColumn: { reason: 'splits are not stratified', harmless: [null] } },
  },
  loadDataset: { known: LOAD_NAMES, unsupported: LOAD_UNSUPPORTED },
  shuffle: {
    known: SHUFFLE_NAMES,
    unsupported: {
      generator: { reason: "the order is numpy's default_rng(seed); pass seed", harmless: [null] },
      keepInMemory: { reason: 'datasets are held in memory', harmless: 'any' },
      loadFromCacheFile: { reason: 'results are not cached on disk', harmless: 'any' },
    },
  },
  sort: {
    known: SORT_NAMES,
    unsupported: {
      nullPlacement: { reason: 'nulls go last', harmless: ['at_end', 'last'] },
      kind: { reason: 'the sort is always stable', harmless: 'any' },
      keepInMemory: { reason: 'datasets are held in memory', harmless: 'any' },
    },
  },
} as const satisfies Record<string, OptionNames>;

/** Throws {@link DatasetUsageError} naming the first option `fn` does not take. */
export function checkOptionNames(options: unknown, fn: keyof typeof NAMES): void {
  assertOptionNames(
    options,
    NAMES[fn],
    (name, problem) => new DatasetUsageError(`${fn}: ${name ? `${name}: ` : ''}${problem}`),
  );
}
