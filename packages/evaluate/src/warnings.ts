import { oncePerProcessPrinter, WarningSink as SeqevalWarningSink } from '@ner/seqeval/internal';

/**
 * Warning categories scikit-learn emits through Python's `warnings` module:
 * `UndefinedMetricWarning` (a score divided by zero), `UserWarning` (an option
 * that is ignored) and numpy's `RuntimeWarning` (the mean of nothing).
 */
export type EvaluateWarningCategory = 'UndefinedMetricWarning' | 'UserWarning' | 'RuntimeWarning';

/** One warning: Python's category, and scikit-learn's text with this package's option names. */
export interface EvaluateWarning {
  readonly category: EvaluateWarningCategory;
  readonly message: string;
}

/** Receives the warnings of one call, each distinct warning once, in the order Python emits them. */
export type WarningHandler = (warning: EvaluateWarning) => void;

/** Option shared by every function that can warn. */
export interface WarningOptions {
  /**
   * Called once per distinct warning of the call, as soon as it arises. Without
   * it, each distinct warning is printed once per process with `console.warn`,
   * like Python's default filter.
   */
  onWarning?: WarningHandler;
}

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
