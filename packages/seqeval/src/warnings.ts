/**
 * Warning categories seqeval emits through Python's `warnings` module:
 * sklearn's `UndefinedMetricWarning` (a score divided by zero), `UserWarning`
 * ("X seems not to be NE tag.") and numpy's `RuntimeWarning` (mean of no classes).
 */
export type SeqevalWarningCategory = 'UndefinedMetricWarning' | 'UserWarning' | 'RuntimeWarning';

/** One warning, with Python's category and message text. */
export interface SeqevalWarning {
  readonly category: SeqevalWarningCategory;
  readonly message: string;
}

/** Receives the warnings of one call, each distinct warning once, in the order Python emits them. */
export type WarningHandler = (warning: SeqevalWarning) => void;

/** Option shared by every function that can warn. */
export interface WarningOptions {
  /**
   * Called once per distinct warning of the call, as soon as it arises (also
   * when the call then throws). Without it, each distinct warning is printed
   * once per process with `console.warn`, like Python's default filter.
   */
  onWarning?: WarningHandler;
}

/**
 * Python's default filter: a printer that shows each distinct warning text once
 * per process. Each package that warns makes its own, as Python keys the filter
 * on the module that warns.
 */
export function oncePerProcessPrinter(): WarningHandler {
  const printed = new Set<string>();
  return (warning) => {
    const text = `${warning.category}: ${warning.message}`;
    if (printed.has(text)) return;
    printed.add(text);
    console.warn(text);
  };
}

const printOncePerProcess = oncePerProcessPrinter();

/**
 * The warnings of one public call: de-duplicates them (seqeval repeats the same
 * warning for every average it computes) and forwards each new one to `handler`,
 * or without one to `fallback` (seqeval's own once-per-process printer).
 */
export class WarningSink {
  private readonly seen = new Set<string>();
  private readonly handler: WarningHandler;

  constructor(handler: WarningHandler | undefined, fallback: WarningHandler = printOncePerProcess) {
    this.handler = handler ?? fallback;
  }

  warn(category: SeqevalWarningCategory, message: string): void {
    const key = `${category}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.handler({ category, message });
  }
}
