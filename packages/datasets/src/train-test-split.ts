/** `train_test_split`'s arithmetic: how many rows go to each split, and which. */
import { randomInt } from 'node:crypto';
import { DatasetUsageError } from './errors.js';
import { numpyPermutation } from './numpy-permutation.js';

/** Options of `Dataset.trainTestSplit` (Python's `train_test_split`). */
export interface TrainTestSplitOptions {
  /** Fraction in (0, 1) or row count of the test split; default 0.25 when `trainSize` is also unset. */
  readonly testSize?: number;
  /** Fraction in (0, 1) or row count of the train split; default: the rest. */
  readonly trainSize?: number;
  /** Shuffle before splitting (default true). */
  readonly shuffle?: boolean;
  /** Seed for numpy's `default_rng`; random when unset. */
  readonly seed?: number;
}

/** A seed for numpy's generator when the caller gives none (Python draws one from numpy's global state). */
export function randomSeed(): number {
  return randomInt(0, 2 ** 32);
}

/** Python's `train_test_split` size rules: float test → ceil, float train → floor, ints taken as is. */
export function splitSizes(
  n: number,
  testSize: number | undefined,
  trainSize: number | undefined,
): { nTrain: number; nTest: number } {
  const isFraction = (value: number) => !Number.isInteger(value) || (value > 0 && value < 1);
  const check = (value: number | undefined, label: string) => {
    if (value === undefined) return;
    if (isFraction(value) ? value <= 0 || value >= 1 : value <= 0 || value >= n) {
      throw new DatasetUsageError(
        `trainTestSplit: ${label}=${value} should be a fraction in (0, 1) or a row count in [1, ${n - 1}] for ${n} rows.`,
      );
    }
  };
  if (testSize === undefined && trainSize === undefined) testSize = 0.25;
  check(testSize, 'testSize');
  check(trainSize, 'trainSize');
  let nTest = testSize === undefined ? undefined : isFraction(testSize) ? Math.ceil(testSize * n) : testSize;
  let nTrain =
    trainSize === undefined ? undefined : isFraction(trainSize) ? Math.floor(trainSize * n) : trainSize;
  if (nTrain === undefined) nTrain = n - (nTest as number);
  if (nTest === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new DatasetUsageError(
      `trainTestSplit: train (${nTrain}) + test (${nTest}) rows exceed the ${n} rows of the dataset.`,
    );
  }
  if (nTrain === 0) {
    throw new DatasetUsageError(
      `trainTestSplit: with ${n} rows, testSize=${testSize} and trainSize=${trainSize}, the train split would be empty.`,
    );
  }
  return { nTrain, nTest };
}

/** Row indices of the two splits: after numpy's permutation of `n` (shuffle, the default), else in order. */
export function trainTestIndices(
  n: number,
  options: TrainTestSplitOptions,
): { train: number[]; test: number[] } {
  const { nTrain, nTest } = splitSizes(n, options.testSize, options.trainSize);
  if (options.shuffle ?? true) {
    const permutation = Array.from(numpyPermutation(n, options.seed ?? randomSeed()));
    return { test: permutation.slice(0, nTest), train: permutation.slice(nTest, nTest + nTrain) };
  }
  return {
    train: Array.from({ length: nTrain }, (_, i) => i),
    test: Array.from({ length: nTest }, (_, i) => nTrain + i),
  };
}
