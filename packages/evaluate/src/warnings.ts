import type {
  SeqevalWarning,
  SeqevalWarningCategory,
  WarningHandler as SeqevalWarningHandler,
  WarningOptions as SeqevalWarningOptions,
} from '@ner/seqeval';
import { oncePerProcessPrinter, WarningSink as SeqevalWarningSink } from '@ner/seqeval/internal';

/**
 * Warning categories scikit-learn emits through Python's `warnings` module:
 * `UndefinedMetricWarning` (a score divided by zero), `UserWarning` (an option
 * that is ignored) and numpy's `RuntimeWarning` (the mean of nothing); the same
 * three seqeval emits, so the types are seqeval's.
 */
export type EvaluateWarningCategory = SeqevalWarningCategory;

/** One warning: Python's category, and scikit-learn's text with this package's option names. */
export type EvaluateWarning = SeqevalWarning;

/** Receives the warnings of one call, each distinct warning once, in the order Python emits them. */
export type WarningHandler = SeqevalWarningHandler;

/**
 * Option shared by every function that can warn: `onWarning` is called once per
 * distinct warning of the call; without it, each distinct warning is printed
 * once per process with `console.warn`, like Python's default filter.
 */
export type WarningOptions = SeqevalWarningOptions;

const printOncePerProcess = oncePerProcessPrinter();

/**
 * The warnings of one public call: de-duplicates them (a classification report
 * computes four averages and would repeat the same warning) and forwards each
 * new one; seqeval's sink, printing through this package's own once-per-process filter.
 */
export class WarningSink extends SeqevalWarningSink {
  constructor(handler: WarningHandler | undefined) {
    super(handler, printOncePerProcess);
  }
}
