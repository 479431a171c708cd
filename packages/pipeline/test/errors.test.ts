// Every error class keeps its own name (set once in PipelineError) and is a PipelineError, so one
// `instanceof PipelineError` tells our validation failures from bugs and logs say which one it was.
import { expect, it } from 'vitest';
import * as pipeline from '../src/index.js';

const errorClasses = Object.entries(pipeline as Record<string, unknown>).filter(
  (entry): entry is [string, new (message: string) => Error] =>
    typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
);

it('exports the base class and its four subclasses', () => {
  expect(errorClasses.map(([name]) => name).sort()).toEqual([
    'InvalidPipelineOptionError',
    'PipelineError',
    'PipelineInputShapeError',
    'PipelineModelError',
    'UnknownAggregationStrategyError',
  ]);
});

it.each(errorClasses)('%s: name, message and instanceof PipelineError', (name, ErrorClass) => {
  const cause = new Error('underneath');
  const error = new (ErrorClass as new (message: string, options: { cause: unknown }) => Error)(
    'what went wrong',
    { cause },
  );
  expect([error.name, error.message, error.cause]).toEqual([name, 'what went wrong', cause]);
  expect(error).toBeInstanceOf(pipeline.PipelineError);
  expect(String(error)).toBe(`${name}: what went wrong`);
});
