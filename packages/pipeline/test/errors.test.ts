// Every error class keeps its own name (set once in PipelineError) and is a PipelineError, so one
// `instanceof PipelineError` tells our validation failures from bugs and logs say which one it was.
import { expect, it } from 'vitest';
import * as errors from '../src/errors.js';
import * as pipeline from '../src/index.js';

it('every error class is exported, is a PipelineError and carries its own name, message and cause', () => {
  const cause = new Error('underneath');
  expect(Object.keys(errors)).toHaveLength(5);
  for (const [name, ErrorClass] of Object.entries(errors)) {
    expect(pipeline).toHaveProperty(name, ErrorClass);
    const error = new ErrorClass('what went wrong', { cause });
    expect([error.name, error.message, error.cause], name).toEqual([name, 'what went wrong', cause]);
    expect(error, name).toBeInstanceOf(pipeline.PipelineError);
    expect(String(error)).toBe(`${name}: what went wrong`);
  }
});
