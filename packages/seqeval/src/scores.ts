import { checkConsistentLength } from './check-consistent-length.js';
import { countPair, extractDefaultPair, extractStrictPair } from './extract-pair.js';
import { type PrfsOptions, type ScoreOptions, strictSchemeOf } from './options.js';
import {
  type PrecisionRecallFscoreSupport,
  type PrfSettings,
  prfFromCounts,
  validatePrfSettings,
} from './prf.js';
import { WarningSink } from './warnings.js';
import { checkOptionNames } from './option-names.js';

/** Per-type options: `average` is `null` or `'none'`. */
export type PerTypeOptions<T> = T & { average: null | 'none' };
/** Averaged options: `average` is `'micro'` (default), `'macro'` or `'weighted'`. */
export type AveragedOptions<T> = T & { average?: 'micro' | 'macro' | 'weighted' };

/** `yTrue` / `yPred` of the score functions: one list of IOB tags per sentence (seqeval's 2-d lists). */
export type SentenceTags = readonly (readonly string[])[];

function compute(
  yTrue: SentenceTags,
  yPred: SentenceTags,
  options: PrfsOptions,
  defaults: { average: PrfSettings['average']; warnFor: PrfSettings['warnFor'] },
): PrecisionRecallFscoreSupport {
  const sink = new WarningSink(options.onWarning);
  const settings: PrfSettings = {
    average: options.average === undefined ? defaults.average : options.average,
    warnFor: options.warnFor ?? defaults.warnFor,
    beta: options.beta ?? 1,
    zeroDivision: options.zeroDivision ?? 'warn',
  };
  const scheme = strictSchemeOf(options);
  validatePrfSettings(settings);
  checkConsistentLength(yTrue, yPred);
  const suffix = options.suffix ?? false;
  const pair = scheme
    ? extractStrictPair(yTrue, yPred, scheme, suffix)
    : extractDefaultPair(yTrue, yPred, suffix, sink);
  return prfFromCounts(countPair(pair), settings, sink);
}

/**
 * Precision, recall, F-beta and support per entity type or averaged, like
 * `seqeval.metrics.precision_recall_fscore_support` (default mode) and
 * `seqeval.metrics.v1.precision_recall_fscore_support` (with `mode: 'strict'`
 * and a `scheme`). `average` defaults to `null` (per type, types sorted).
 *
 * @throws SeqevalTypeError when an input is not a non-empty array of arrays.
 * @throws SeqevalValueError for inconsistent lengths, bad options, or (strict) a prefix the scheme forbids.
 * @throws SeqevalKeyError (strict) for a prefix letter outside I, O, B, E, S, U, L.
 */
export function precisionRecallFscoreSupport(
  yTrue: SentenceTags,
  yPred: SentenceTags,
  options?: PerTypeOptions<PrfsOptions> | (PrfsOptions & { average?: undefined }),
): PrecisionRecallFscoreSupport<number[]>;
export function precisionRecallFscoreSupport(
  yTrue: SentenceTags,
  yPred: SentenceTags,
  options: PrfsOptions & { average: 'micro' | 'macro' | 'weighted' },
): PrecisionRecallFscoreSupport<number>;
export function precisionRecallFscoreSupport(
  yTrue: SentenceTags,
  yPred: SentenceTags,
  options?: PrfsOptions,
): PrecisionRecallFscoreSupport;
export function precisionRecallFscoreSupport(
  yTrue: SentenceTags,
  yPred: SentenceTags,
  options: PrfsOptions = {},
): PrecisionRecallFscoreSupport {
  checkOptionNames(options, 'precision_recall_fscore_support');
  return compute(yTrue, yPred, options, { average: null, warnFor: ['precision', 'recall', 'f-score'] });
}

/**
 * The call signatures {@link precisionScore}, {@link recallScore} and {@link f1Score} share:
 * one value per type with `average: null` (or `'none'`), else one averaged number.
 */
export interface EntityScore {
  (yTrue: SentenceTags, yPred: SentenceTags, options: PerTypeOptions<ScoreOptions>): number[];
  (yTrue: SentenceTags, yPred: SentenceTags, options?: AveragedOptions<ScoreOptions>): number;
  (yTrue: SentenceTags, yPred: SentenceTags, options?: ScoreOptions): number | number[];
}

/**
 * Entity-level precision `tp / (tp + fp)`, like `seqeval.metrics.precision_score`.
 * Averages `'micro'` by default; `average: null` gives one value per type.
 */
export const precisionScore = ((yTrue: SentenceTags, yPred: SentenceTags, options: ScoreOptions = {}) => {
  checkOptionNames(options, 'precision_score');
  return compute(yTrue, yPred, options, { average: 'micro', warnFor: ['precision'] }).precision;
}) as EntityScore;

/**
 * Entity-level recall `tp / (tp + fn)`, like `seqeval.metrics.recall_score`.
 * Averages `'micro'` by default; `average: null` gives one value per type.
 */
export const recallScore = ((yTrue: SentenceTags, yPred: SentenceTags, options: ScoreOptions = {}) => {
  checkOptionNames(options, 'recall_score');
  return compute(yTrue, yPred, options, { average: 'micro', warnFor: ['recall'] }).recall;
}) as EntityScore;

/**
 * Entity-level F1, like `seqeval.metrics.f1_score`.
 * Averages `'micro'` by default; `average: null` gives one value per type.
 */
export const f1Score = ((yTrue: SentenceTags, yPred: SentenceTags, options: ScoreOptions = {}) => {
  checkOptionNames(options, 'f1_score');
  return compute(yTrue, yPred, { ...options, beta: 1 }, { average: 'micro', warnFor: ['f-score'] }).fScore;
}) as EntityScore;
