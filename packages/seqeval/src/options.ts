import { schemeByName, type Scheme, type SchemeName } from './scheme.js';
import type { Average, WarnFor, ZeroDivision } from './prf.js';
import type { WarningOptions } from './warnings.js';

/**
 * `'strict'` scores entities by the rules of a tagging scheme (seqeval's
 * `mode='strict'`); anything else is the conlleval-compatible default mode.
 */
export type Mode = 'strict' | 'default' | null;

/** Options shared by the score functions (seqeval's keyword arguments, camelCased). */
export interface ScoreOptions extends WarningOptions {
  /** Default `'micro'`; `null` or `'none'` returns one score per entity type (types sorted). */
  average?: Average;
  /** Tags carry the prefix at the end (`PER-B`). Default `false`. */
  suffix?: boolean;
  /** `'strict'` together with `scheme` scores strictly; without a scheme the scores fall back to default mode, as in seqeval. */
  mode?: Mode;
  /** Scheme for strict mode. */
  scheme?: SchemeName | null;
  /** Accepted and ignored, as in seqeval (it only matters for `average='samples'`, which seqeval rejects). */
  sampleWeight?: readonly number[] | null;
  /** Value for 0/0 scores: `'warn'` (default: 0 plus an `UndefinedMetricWarning`), 0 or 1. */
  zeroDivision?: ZeroDivision;
}

/** Options of `precisionRecallFscoreSupport`. */
export interface PrfsOptions extends ScoreOptions {
  /** Weight of recall in the F-score; default 1. `Infinity` makes the F-score the recall. */
  beta?: number;
  /** Metrics that warn on zero division; default all three (seqeval's `warn_for`). */
  warnFor?: WarnFor;
}

/** The scheme to score strictly with, or `null` for default mode (`mode == 'strict' and scheme`). */
export function strictSchemeOf(options: { mode?: Mode; scheme?: SchemeName | null }): Scheme | null {
  if (options.scheme !== undefined && options.scheme !== null) {
    const scheme = schemeByName(options.scheme);
    return options.mode === 'strict' ? scheme : null;
  }
  return null;
}
