// Garbage in torchrun's environment variables: a clear error naming the variable, before any
// socket is opened.
import { describe, expect, it } from 'vitest';
import { CollectiveError, ProcessGroup } from '../../src/index.js';

describe('ProcessGroup.fromEnv with a hostile environment', () => {
  it.each([
    [{ WORLD_SIZE: '2', RANK: '-1', NER_STORE_SECRET: 's' }, /RANK must be in \[0, 2\), got -1/],
    [{ WORLD_SIZE: '2', RANK: '2', NER_STORE_SECRET: 's' }, /RANK must be in \[0, 2\), got 2/],
    [{ WORLD_SIZE: '1e3', RANK: '0' }, /WORLD_SIZE must be an integer, got '1e3'/],
    [{ WORLD_SIZE: '0' }, /WORLD_SIZE must be a positive integer, got 0/],
    [{ WORLD_SIZE: '2', RANK: ' ', NER_STORE_SECRET: 's' }, /RANK must be an integer, got ' '/],
    [
      { WORLD_SIZE: '2', RANK: '1', MASTER_PORT: '99999', NER_STORE_SECRET: 's' },
      /MASTER_PORT must be a TCP port, got 99999/,
    ],
    [
      { WORLD_SIZE: '2', RANK: '1', MASTER_PORT: 'http', NER_STORE_SECRET: 's' },
      /MASTER_PORT must be an integer, got 'http'/,
    ],
    [
      { WORLD_SIZE: '2', RANK: '1', NER_COLLECTIVE_TIMEOUT_MS: 'soon', NER_STORE_SECRET: 's' },
      /NER_COLLECTIVE_TIMEOUT_MS must be an integer/,
    ],
  ])('%o', async (env, message) => {
    const error = await ProcessGroup.fromEnv(env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectiveError);
    expect((error as Error).message).toMatch(message);
  });
});
