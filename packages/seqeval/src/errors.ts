import { PythonTypedError } from './python-error.js';

/**
 * Python exception classes that seqeval raises; every error we throw carries
 * the one Python would have raised, so code ported from Python can branch on it.
 */
export type PythonErrorType = 'TypeError' | 'ValueError' | 'KeyError' | 'ZeroDivisionError' | 'IndexError';

/**
 * Base class of every error thrown by `@ner/seqeval`. One `instanceof` check
 * separates bad input from bugs; `pythonType` names seqeval's exception.
 */
export class SeqevalError extends PythonTypedError<PythonErrorType> {
  override name = 'SeqevalError';
}

/**
 * A subclass of {@link SeqevalError} for one Python exception class; `name` is the class's JS name.
 * One definition for the errors that carry nothing but their message.
 */
// The explicit return type keeps the declaration files free of the inferred base's static side
// (`ErrorConstructor`'s Node-only `NodeJS.CallSite`), so consumers need no @types/node.
function pythonErrorClass(pythonType: PythonErrorType, name: string): new (message: string) => SeqevalError {
  return class extends SeqevalError {
    override name = name;
    constructor(message: string) {
      super(pythonType, message);
    }
  };
}

/**
 * Input that is not a list of lists (seqeval: `TypeError: Found input variables
 * without list of list.`), e.g. an empty outer list or a flat list of tags.
 */
export class SeqevalTypeError extends pythonErrorClass('TypeError', 'SeqevalTypeError') {}

/**
 * A value seqeval rejects with `ValueError`: inconsistent lengths, a prefix the
 * strict scheme does not allow, a scheme auto-detect cannot name, a bad option.
 */
export class SeqevalValueError extends pythonErrorClass('ValueError', 'SeqevalValueError') {}

/**
 * A tag whose prefix letter is none of I, O, B, E, S, U, L in strict mode
 * (seqeval: `KeyError: 'X'`). `key` is that letter.
 */
export class SeqevalKeyError extends SeqevalError {
  override name = 'SeqevalKeyError';
  /** The prefix character that was looked up, as Python's `KeyError` reports it. */
  readonly key: string;
  constructor(key: string, message: string) {
    super('KeyError', message);
    this.key = key;
  }
}

/** Accuracy over zero tokens (seqeval: `ZeroDivisionError: division by zero`). */
export class SeqevalZeroDivisionError extends pythonErrorClass(
  'ZeroDivisionError',
  'SeqevalZeroDivisionError',
) {}

/** An empty-string tag, which seqeval cannot take a prefix from (`IndexError`). */
export class SeqevalIndexError extends pythonErrorClass('IndexError', 'SeqevalIndexError') {}
