/**
 * The option names of each seqeval function, checked as Python checks keyword arguments:
 * `f1_score(y_true, y_pred, schem='IOB2')` is `TypeError: f1_score() got an unexpected keyword
 * argument 'schem'` there, where here the typo would score in default mode without a word.
 */
import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
  unexpectedKeywordMessage,
} from '../../../tools/option-names/index.js';
import type { AutoDetectOptions } from './auto-detect.js';
import type { ClassificationReportOptions } from './classification-report.js';
import type { EntitiesOptions } from './entities.js';
import { SeqevalTypeError } from './errors.js';
import type { GetEntitiesOptions } from './get-entities.js';
import type { PrfsOptions, ScoreOptions } from './options.js';
import type { SeqevalComputeOptions } from './seqeval-metric.js';

const SCORE_NAMES = [
  'onWarning',
  'average',
  'suffix',
  'mode',
  'scheme',
  'sampleWeight',
  'zeroDivision',
] as const satisfies readonly (keyof ScoreOptions)[];
const PRFS_NAMES = [...SCORE_NAMES, 'beta', 'warnFor'] as const satisfies readonly (keyof PrfsOptions)[];
const REPORT_NAMES = [
  'onWarning',
  'digits',
  'suffix',
  'outputDict',
  'mode',
  'sampleWeight',
  'zeroDivision',
  'scheme',
] as const satisfies readonly (keyof ClassificationReportOptions)[];
const GET_ENTITIES_NAMES = ['onWarning', 'suffix'] as const satisfies readonly (keyof GetEntitiesOptions)[];
const ENTITIES_NAMES = ['suffix', 'delimiter'] as const satisfies readonly (keyof EntitiesOptions)[];
const AUTO_DETECT_NAMES = ['suffix'] as const satisfies readonly (keyof AutoDetectOptions)[];
const COMPUTE_NAMES = [
  'onWarning',
  'suffix',
  'scheme',
  'mode',
  'sampleWeight',
  'zeroDivision',
] as const satisfies readonly (keyof SeqevalComputeOptions)[];

/** A compile error here names an option to add to one of the lists above. */
export const seqevalOptionNamesAreWhole: ListIsWhole<
  | UnlistedOptions<ScoreOptions, typeof SCORE_NAMES>
  | UnlistedOptions<PrfsOptions, typeof PRFS_NAMES>
  | UnlistedOptions<ClassificationReportOptions, typeof REPORT_NAMES>
  | UnlistedOptions<GetEntitiesOptions, typeof GET_ENTITIES_NAMES>
  | UnlistedOptions<EntitiesOptions, typeof ENTITIES_NAMES>
  | UnlistedOptions<AutoDetectOptions, typeof AUTO_DETECT_NAMES>
  | UnlistedOptions<SeqevalComputeOptions, typeof COMPUTE_NAMES>
> = true;

/** The options `Seqeval.compute` takes besides `predictions` and `references`. */
export const SEQEVAL_COMPUTE_OPTION_NAMES: readonly string[] = COMPUTE_NAMES;

/** The options of each function, by the Python name its errors use. */
const OPTION_NAMES = {
  precision_score: { known: SCORE_NAMES },
  recall_score: { known: SCORE_NAMES },
  f1_score: { known: SCORE_NAMES },
  precision_recall_fscore_support: { known: PRFS_NAMES },
  classification_report: { known: REPORT_NAMES },
  get_entities: { known: GET_ENTITIES_NAMES },
  Entities: { known: ENTITIES_NAMES },
  auto_detect: { known: AUTO_DETECT_NAMES },
  compute: { known: COMPUTE_NAMES },
  'Seqeval.compute': { known: [...COMPUTE_NAMES, 'predictions', 'references'] },
} as const satisfies Record<string, OptionNames>;

/**
 * Throws {@link SeqevalTypeError} with Python's message for the first option `fn` does not take,
 * and what was meant (the camelCase name of a Python spelling, the closest name of a typo).
 */
export function checkOptionNames(options: unknown, fn: keyof typeof OPTION_NAMES): void {
  assertOptionNames(
    options,
    OPTION_NAMES[fn],
    (name, problem) => new SeqevalTypeError(unexpectedKeywordMessage(fn, name, problem)),
  );
}
