// Bad inputs to NerEmbeddings (and to the addon's embeddings itself): ids outside their table,
// sequences longer than the position table, wrong dtypes and shapes. Each throws
// EmbeddingsInputError naming the input (and, for an id, where it is and its value) before
// anything is computed; no tensor is left behind.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import '../../src/index.js';
import { requireAddon } from '../../src/addon.js';
import { EMBEDDINGS_KERNEL, EmbeddingsInputError } from '../../src/kernels/embeddings.js';
import { describeWithAddon, useNativeBackend } from '../../src/test-helpers.js';

beforeAll(async () => {
  await useNativeBackend();
});
afterAll(() => {
  tf.setBackend('cpu');
});

const [VOCAB, HIDDEN, POSITIONS, TYPES] = [10, 8, 6, 2];

/** A well-formed call: batch 2, length 3; `overrides` replace or (undefined) remove inputs. */
function inputs(overrides: Record<string, tf.Tensor | undefined> = {}): Record<string, tf.Tensor> {
  const all: Record<string, tf.Tensor | undefined> = {
    inputIds: tf.tensor2d([1, 2, 3, 4, 5, 9], [2, 3], 'int32'),
    tokenTypeIds: tf.tensor2d([0, 0, 1, 1, 1, 0], [2, 3], 'int32'),
    wordEmbeddings: tf.ones([VOCAB, HIDDEN]),
    positionEmbeddings: tf.ones([POSITIONS, HIDDEN]),
    tokenTypeEmbeddings: tf.ones([TYPES, HIDDEN]),
    gamma: tf.ones([HIDDEN]),
    beta: tf.zeros([HIDDEN]),
    ...overrides,
  };
  for (const key of Object.keys(all)) if (all[key] === undefined) delete all[key];
  return all as Record<string, tf.Tensor>;
}

/** The error the kernel throws on these inputs (and that it leaves no tensor behind). */
function errorOf(overrides: Record<string, tf.Tensor | undefined>): EmbeddingsInputError {
  let caught: unknown;
  tf.tidy(() => {
    const before = tf.memory().numTensors;
    const given = inputs(overrides);
    const made = tf.memory().numTensors;
    try {
      tf.engine().runKernel(EMBEDDINGS_KERNEL, given, { eps: 1e-12 });
    } catch (error) {
      caught = error;
    }
    expect(tf.memory().numTensors).toBe(made);
    expect(made).toBeGreaterThan(before);
  });
  expect(caught).toBeInstanceOf(EmbeddingsInputError);
  return caught as EmbeddingsInputError;
}

const ids = (values: number[], shape: [number, number] = [2, 3]) => tf.tensor2d(values, shape, 'int32');

describeWithAddon('NerEmbeddings: hostile inputs', () => {
  it('well-formed inputs run (the baseline of the cases below)', () => {
    const y = tf.tidy(() => tf.engine().runKernel(EMBEDDINGS_KERNEL, inputs(), { eps: 1e-12 }) as tf.Tensor);
    expect(y.shape).toEqual([2, 3, HIDDEN]);
    y.dispose();
  });

  it('an empty batch embeds to an empty output, as the composite ops do', () => {
    const empty = { inputIds: ids([], [0, 3]), tokenTypeIds: ids([], [0, 3]) };
    const y = tf.tidy(
      () => tf.engine().runKernel(EMBEDDINGS_KERNEL, inputs(empty), { eps: 1e-12 }) as tf.Tensor,
    );
    expect(y.shape).toEqual([0, 3, HIDDEN]);
    y.dispose();
  });

  it('an input id equal to the vocabulary size: named with its index and value', () => {
    const error = errorOf({ inputIds: ids([1, 2, 3, 4, VOCAB, 0]) });
    expect(error.input).toBe('inputIds');
    expect(error.index).toEqual([1, 1]);
    expect(error.value).toBe(VOCAB);
    expect(error.message).toBe(
      'NerEmbeddings: inputIds[1, 1] = 10 is outside [0, 10) (the rows of "wordEmbeddings")',
    );
  });

  it('a negative input id', () => {
    const error = errorOf({ inputIds: ids([-1, 2, 3, 4, 5, 6]) });
    expect([error.input, error.index, error.value]).toEqual(['inputIds', [0, 0], -1]);
  });

  it('a token type id outside the token-type table (and a negative one)', () => {
    const error = errorOf({ tokenTypeIds: ids([0, 0, 0, 0, 0, TYPES]) });
    expect([error.input, error.index, error.value]).toEqual(['tokenTypeIds', [1, 2], TYPES]);
    expect(error.message).toMatch(/tokenTypeIds\[1, 2\] = 2 is outside \[0, 2\)/);
    expect(errorOf({ tokenTypeIds: ids([0, -3, 0, 0, 0, 0]) }).index).toEqual([0, 1]);
  });

  it('a sequence longer than the position table', () => {
    const long = POSITIONS + 1;
    const error = errorOf({
      inputIds: ids(new Array(long).fill(1), [1, long]),
      tokenTypeIds: ids(new Array(long).fill(0), [1, long]),
    });
    expect(error.input).toBe('positionEmbeddings');
    expect(error.message).toMatch(/sequence length 7 exceeds the 6 rows of "positionEmbeddings"/);
  });

  it('wrong dtypes: float ids, int tables', () => {
    expect(errorOf({ inputIds: tf.ones([2, 3]) }).input).toBe('inputIds');
    expect(errorOf({ tokenTypeIds: tf.zeros([2, 3]) }).input).toBe('tokenTypeIds');
    expect(errorOf({ wordEmbeddings: tf.ones([VOCAB, HIDDEN], 'int32') }).message).toMatch(
      /"wordEmbeddings" must be a float32 tensor/,
    );
    expect(errorOf({ gamma: tf.ones([HIDDEN], 'int32') }).input).toBe('gamma');
  });

  it('wrong shapes, and token type ids without their table (or the reverse)', () => {
    expect(errorOf({ positionEmbeddings: tf.ones([POSITIONS, HIDDEN + 1]) }).input).toBe(
      'positionEmbeddings',
    );
    expect(errorOf({ tokenTypeIds: ids([0, 0, 0, 0], [2, 2]) }).input).toBe('tokenTypeIds');
    expect(errorOf({ beta: tf.zeros([HIDDEN - 1]) }).input).toBe('beta');
    expect(errorOf({ inputIds: tf.tensor1d([1, 2], 'int32') }).input).toBe('inputIds');
    expect(errorOf({ tokenTypeEmbeddings: undefined }).input).toBe('tokenTypeEmbeddings');
    expect(errorOf({ tokenTypeIds: undefined }).input).toBe('tokenTypeIds');
  });

  it('the addon itself refuses a short table or a long sequence (never reads past an array)', () => {
    const addon = requireAddon();
    const y = new Float32Array(2 * 3 * HIDDEN);
    const words = new Float32Array(VOCAB * HIDDEN);
    const gamma = new Float32Array(HIDDEN);
    const call = (positions: number, inputIds = new Int32Array(6)) =>
      addon.embeddings(
        inputIds,
        null,
        words,
        new Float32Array(positions * HIDDEN),
        null,
        gamma,
        gamma,
        y,
        2,
        3,
        HIDDEN,
        1e-12,
      );
    expect(call(3)).toBe(-1);
    expect(() => call(2)).toThrow(/longer than the position table/);
    expect(() => call(3, new Int32Array(5))).toThrow(/inputIds must hold batch x length ids/);
    expect(call(3, Int32Array.from([0, 0, 0, 0, 99, 0]))).toBe(4);
  });
});
