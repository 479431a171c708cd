/** The error `run` throws, or `undefined` when it returns, so a test can assert on the error's fields. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
