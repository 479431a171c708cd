import type { Offset } from './encoding.js';

/** One tokenized sequence before special tokens: ids, offsets and word ids. */
export interface RawSequence {
  ids: number[];
  offsets: Offset[];
  wordIds: number[];
}

function sliceSequence(s: RawSequence, start: number, end: number): RawSequence {
  return {
    ids: s.ids.slice(start, end),
    offsets: s.offsets.slice(start, end),
    wordIds: s.wordIds.slice(start, end),
  };
}

/**
 * Windows of at most `budget` tokens, each starting `budget - stride` after the
 * previous, stopping at the first window that reaches the end: the rule of
 * Rust `tokenizers` 0.23 `Encoding::truncate` (transformers 4.38 with older
 * tokenizers could add one more, fully overlapped, window).
 */
export function cutWindows(s: RawSequence, budget: number, stride: number): RawSequence[] {
  const length = s.ids.length;
  if (length <= budget) return [s];
  const step = budget - stride;
  const windows: RawSequence[] = [];
  for (let start = 0; start < length; start += step) {
    const stop = Math.min(start + budget, length);
    windows.push(sliceSequence(s, start, stop));
    if (stop === length) break;
  }
  return windows;
}

/**
 * Pair truncation `longest_first` as Rust `truncate_encodings`: the shorter
 * sequence keeps what it can, the longer one the rest; when both are too long
 * they split the budget (the second gets the odd token).
 */
export function truncateLongestFirst(
  a: RawSequence,
  b: RawSequence,
  budget: number,
): [RawSequence[], RawSequence] {
  let n1 = a.ids.length;
  let n2 = b.ids.length;
  if (n1 + n2 <= budget) return [[a], b];
  const swap = n1 > n2;
  if (swap) [n1, n2] = [n2, n1];
  n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = Math.floor(budget / 2);
    n2 = n1 + (budget % 2);
  }
  if (swap) [n1, n2] = [n2, n1];
  return [[sliceSequence(a, 0, n1)], sliceSequence(b, 0, n2)];
}
