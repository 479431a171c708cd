/**
 * An error that carries the Python exception class raised in the same
 * situation, so code ported from Python can branch on it. The base of
 * `SeqevalError` and of `@ner/evaluate`'s `EvaluateError`.
 */
export class PythonTypedError<PythonType extends string> extends Error {
  /** The exception class the Python library raises in the same situation. */
  readonly pythonType: PythonType;

  constructor(pythonType: PythonType, message: string) {
    super(message);
    this.pythonType = pythonType;
  }
}
