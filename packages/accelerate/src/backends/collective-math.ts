/**
 * What each collective computes, given every rank's input in rank order: the arithmetic shared
 * by the star engine (rank 0 computes for everyone) and the in-process engine of the tests.
 * Floats are summed in float64 in rank order and rounded once, so every rank gets bit-identical
 * results from run to run.
 */
import type { HostArray, ReduceOp } from '../process-group/backend.js';

export type NumericArray = Float32Array | Float64Array | Int32Array;

/** Elementwise reduction of equal-length arrays (the first one's type). */
export function reduceArrays<T extends NumericArray>(inputs: readonly T[], op: ReduceOp): T {
  const first = inputs[0]!;
  const length = first.length;
  const acc = new Float64Array(length);
  acc.set(first);
  for (let r = 1; r < inputs.length; r++) {
    const next = inputs[r]!;
    if (op === 'sum' || op === 'mean') for (let i = 0; i < length; i++) acc[i]! += next[i]!;
    else if (op === 'max') for (let i = 0; i < length; i++) acc[i] = Math.max(acc[i]!, next[i]!);
    else for (let i = 0; i < length; i++) acc[i] = Math.min(acc[i]!, next[i]!);
  }
  if (op === 'mean') for (let i = 0; i < length; i++) acc[i]! /= inputs.length;
  const out = new (first.constructor as new (n: number) => T)(length);
  if (first instanceof Int32Array && op === 'mean') {
    // torch refuses integer means; truncating toward zero is what an integer divide would do.
    for (let i = 0; i < length; i++) out[i] = Math.trunc(acc[i]!);
  } else out.set(acc);
  return out;
}

/** Concatenation in rank order (allGather / allGatherV). */
export function concatArrays<T extends HostArray>(inputs: readonly T[]): T {
  const total = inputs.reduce((sum, a) => sum + a.length, 0);
  const out = new (inputs[0]!.constructor as new (n: number) => T)(total);
  let offset = 0;
  for (const input of inputs) {
    out.set(input as never, offset);
    offset += input.length;
  }
  return out;
}

/** Rank `rank`'s block of a reduce-scatter: elements [sum(counts[0..rank)), +counts[rank]). */
export function scatterBlock<T extends NumericArray>(reduced: T, counts: readonly number[], rank: number): T {
  let start = 0;
  for (let r = 0; r < rank; r++) start += counts[r]!;
  return reduced.slice(start, start + counts[rank]!) as T;
}
