import { expect } from 'vitest';
import { DatasetFormatError } from '../src/index.js';

/** The error `run` throws, or `undefined` when it returns, so a test can assert on the error's fields. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * Asserts that `run` throws a `DatasetFormatError` with exactly `message`, and at `line` when
 * given: the shape every parser error of the hostile tests takes.
 */
export function expectFormatError(run: () => unknown, expected: { line?: number; message: string }): void {
  const error = thrownBy(run);
  expect(error).toBeInstanceOf(DatasetFormatError);
  if (expected.line !== undefined) expect((error as DatasetFormatError).line).toBe(expected.line);
  expect((error as Error).message).toBe(expected.message);
}
