import { InvalidPipelineOptionError } from './errors.js';
import type { Offset } from './types.js';

/** A tokenized text (or window) in the shape the pipeline feeds to the model. */
export interface PipelineEncoding {
  ids: number[];
  tokens: string[];
  /** Character offsets into the input text; `[0, 0]` for special tokens. */
  offsets: Offset[];
  typeIds: number[];
  attentionMask: number[];
  specialTokensMask: number[];
  wordIds: (number | null)[];
}

/** The padding token a window is filled up with. */
export interface PadToken {
  id: number;
  token: string;
  typeId?: number;
}

/**
 * Cuts an encoding that has special tokens around its content (`[CLS] … [SEP]`)
 * into overlapping windows of at most `maxLength` tokens, the way transformers
 * 4.38 asks a fast tokenizer for them (`truncation=True, stride=s,
 * return_overflowing_tokens=True, padding=True`): the content is split into runs
 * of `maxLength - specials` tokens starting every `size - stride` tokens (the
 * last run ends at the content's end), each run is wrapped in the same special
 * tokens, and all windows are padded to the longest one. Offsets stay relative
 * to the whole text, so entities found in any window point into the input.
 */
export function splitIntoWindows(
  encoding: PipelineEncoding,
  maxLength: number,
  stride: number,
  pad: PadToken,
): PipelineEncoding[] {
  const plan = planWindows(encoding, maxLength, stride);
  const n = encoding.ids.length;
  const windows = plan.ranges.map(([start, stop]) => {
    const parts: [number, number][] = [
      [0, plan.head],
      [plan.head + start, plan.head + stop],
      [plan.tail, n],
    ];
    const take = <T>(values: readonly T[]) => parts.flatMap(([from, to]) => values.slice(from, to));
    return {
      ids: take(encoding.ids),
      tokens: take(encoding.tokens),
      offsets: take(encoding.offsets),
      typeIds: take(encoding.typeIds),
      attentionMask: take(encoding.attentionMask),
      specialTokensMask: take(encoding.specialTokensMask),
      wordIds: take(encoding.wordIds),
    };
  });
  return padEncodings(windows, pad);
}

/** Where the windows of {@link splitIntoWindows} fall in the encoding. */
export interface WindowPlan {
  /** Number of leading special tokens (`[CLS]`). */
  head: number;
  /** Index where the trailing special tokens (`[SEP]`) begin. */
  tail: number;
  /** `[start, stop)` ranges into the content (the tokens between `head` and `tail`). */
  ranges: [number, number][];
}

/** Computes the content ranges of the windows (see {@link splitIntoWindows}). */
export function planWindows(encoding: PipelineEncoding, maxLength: number, stride: number): WindowPlan {
  const n = encoding.ids.length;
  let head = 0;
  while (head < n && encoding.specialTokensMask[head]) head++;
  let tail = n;
  while (tail > head && encoding.specialTokensMask[tail - 1]) tail--;
  const specials = head + (n - tail);
  const size = maxLength - specials;
  if (size <= 0) {
    throw new InvalidPipelineOptionError(
      `maxLength ${maxLength} leaves no room for content next to ${specials} special tokens.`,
    );
  }
  if (stride >= size) {
    throw new InvalidPipelineOptionError(
      `stride ${stride} must be smaller than the content size of a window (maxLength ${maxLength} - ${specials} special tokens = ${size}).`,
    );
  }
  const contentLength = tail - head;
  const ranges: [number, number][] = [];
  if (contentLength <= size) {
    ranges.push([0, contentLength]);
  } else {
    for (let start = 0; ; start += size - stride) {
      const stop = Math.min(start + size, contentLength);
      ranges.push([start, stop]);
      if (stop === contentLength) break;
    }
  }
  return { head, tail, ranges };
}

/**
 * For each position of window `w`, the position of the same token in the whole
 * encoding (special tokens map to their own positions, padding to -1).
 */
export function windowSourceIndices(
  plan: WindowPlan,
  w: number,
  windowLength: number,
  encodingLength: number,
): number[] {
  const [start, stop] = plan.ranges[w]!;
  const indices: number[] = [];
  for (let i = 0; i < plan.head; i++) indices.push(i);
  for (let i = start; i < stop; i++) indices.push(plan.head + i);
  for (let i = plan.tail; i < encodingLength; i++) indices.push(i);
  while (indices.length < windowLength) indices.push(-1);
  return indices;
}

/** Pads encodings to the longest one (right side): pad id, mask 0, special 1, offsets `[0, 0]`. */
export function padEncodings(encodings: readonly PipelineEncoding[], pad: PadToken): PipelineEncoding[] {
  const longest = Math.max(0, ...encodings.map((e) => e.ids.length));
  return encodings.map((e) => {
    const missing = longest - e.ids.length;
    if (missing === 0) return e;
    const fill = <T>(value: T) => Array<T>(missing).fill(value);
    return {
      ids: [...e.ids, ...fill(pad.id)],
      tokens: [...e.tokens, ...fill(pad.token)],
      offsets: [...e.offsets, ...fill<Offset>([0, 0])],
      typeIds: [...e.typeIds, ...fill(pad.typeId ?? 0)],
      attentionMask: [...e.attentionMask, ...fill(0)],
      specialTokensMask: [...e.specialTokensMask, ...fill(1)],
      wordIds: [...e.wordIds, ...fill<number | null>(null)],
    };
  });
}
