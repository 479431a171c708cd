/**
 * Checks of the numbers read back from a checkpoint's JSON files
 * (trainer_state.json, optimizer.json, scheduler.json) and of the state dicts
 * given to `AdamW.loadStateDict` / `LambdaLR.loadStateDict`. A wrong value is
 * refused naming where it is and what it was, instead of being taken (a
 * string step restarted a run at 0; a negative step turned the first update
 * into NaN).
 */
import { describeValue } from '@ner/models/internal';

/** Builds the caller's typed error from a problem. */
export type Fail = (problem: string) => Error;

/** An integer from `min` (0 or -1) to 2^53-1: a step or a count. */
export function checkedCount(value: unknown, where: string, fail: Fail, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw fail(`${where} must be an integer from ${min} to 2^53-1, not ${describeValue(value)}`);
  }
  return value;
}

/** A finite number >= 0: a learning rate, an epoch, a flop count. */
export function checkedNonNegative(value: unknown, where: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw fail(`${where} must be a finite number >= 0, not ${describeValue(value)}`);
  }
  return value;
}

/** An array, or the problem named. */
export function checkedArray(value: unknown, where: string, fail: Fail): readonly unknown[] {
  if (!Array.isArray(value)) throw fail(`${where} must be an array, not ${describeValue(value)}`);
  return value;
}

/** A plain object (not null, not an array), or the problem named. */
export function checkedRecord(value: unknown, where: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(`${where} must be an object, not ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}
