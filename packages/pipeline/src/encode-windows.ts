import { AlignInputError, Encoding, isLengthLimit, type Offset } from '@ner/align';
import { InvalidPipelineOptionError } from './errors.js';
import type { PipelineTokenizer } from './pipeline-interfaces.js';

/** One input (a text or a word list) as the windows the model reads. */
export interface EncodedInput {
  /** The text the offsets point into (`words.join(' ')` for pre-split words). */
  sentence: string;
  /** The encoding, or its overflow windows, padded to the longest. */
  windows: Encoding[];
  /**
   * Per window, the position of each token in the whole encoding (-1 for
   * padding); only for long inputs read without `stride`, whose `index` Python
   * would report from one truncated encoding.
   */
  sourceIndices: number[][] | null;
}

/**
 * Encodes one input the way transformers 4.38's `TokenClassificationPipeline`
 * asks its fast tokenizer: with `stride`, `truncation=True,
 * return_overflowing_tokens=True, padding=True` (the windows come from the
 * tokenizer, `@ner/align`'s truncation); without it, one encoding, or (where
 * Python would cut the text silently) overlapping windows with a quarter of
 * their content as stride, so every token is read once.
 */
export function encodeWindows(
  tokenizer: PipelineTokenizer,
  input: string | readonly string[],
  maxLength: number,
  stride: number | undefined,
): EncodedInput {
  const isSplitIntoWords = typeof input !== 'string';
  const sentence = typeof input === 'string' ? input : input.join(' ');
  const place = (windows: Encoding[]) =>
    typeof input === 'string' ? windows : windows.map((w) => shiftToSentence(w, input));
  const bounded = isLengthLimit(maxLength);
  if (stride !== undefined) {
    // Python asks for overflowing windows whenever `stride` is given, even for short texts.
    const windows = overflowWindows(tokenizer, input, { isSplitIntoWords, bounded, maxLength, stride });
    return { sentence, windows: place(windows), sourceIndices: null };
  }
  const whole = tokenizer.encode(input, { isSplitIntoWords });
  if (!bounded || whole.length <= maxLength)
    return { sentence, windows: place([whole]), sourceIndices: null };
  const specials = whole.specialTokensMask.filter(Boolean).length;
  const autoStride = Math.floor(Math.max(1, maxLength - specials) / 4);
  const windows = overflowWindows(tokenizer, input, {
    isSplitIntoWords,
    bounded,
    maxLength,
    stride: autoStride,
  });
  const step = maxLength - specials - autoStride;
  return {
    sentence,
    windows: place(windows),
    sourceIndices: windows.map((window, w) => positionsInWhole(window, w * step, whole.length)),
  };
}

function overflowWindows(
  tokenizer: PipelineTokenizer,
  input: string | readonly string[],
  o: { isSplitIntoWords: boolean; bounded: boolean; maxLength: number; stride: number },
): Encoding[] {
  try {
    const first = tokenizer.encode(input, {
      isSplitIntoWords: o.isSplitIntoWords,
      truncation: o.bounded,
      maxLength: o.maxLength,
      stride: o.stride,
      returnOverflowingTokens: true,
      padding: true,
    });
    return [first, ...first.overflowing];
  } catch (error) {
    // The tokenizer names the window arithmetic (stride vs. room next to special tokens).
    if (error instanceof AlignInputError) throw new InvalidPipelineOptionError(error.message);
    throw error;
  }
}

/**
 * Where each token of a window sits in the whole encoding: leading special
 * tokens keep their place, content token k of the window is content token
 * `start + k`, trailing special tokens are the whole encoding's last ones, and
 * padding is -1.
 */
function positionsInWhole(window: Encoding, start: number, wholeLength: number): number[] {
  const n = window.length;
  let head = 0;
  while (head < n && window.specialTokensMask[head]) head++;
  let end = n;
  while (end > head && !window.attentionMask[end - 1]) end--;
  return Array.from({ length: n }, (_, j) => {
    if (j < head) return j;
    if (j >= end) return -1;
    if (!window.specialTokensMask[j]) return head + start + (j - head);
    return wholeLength - (end - j);
  });
}

/**
 * `@ner/align` gives pre-split words offsets inside each word (as Rust does);
 * the pipeline reports them in `words.join(' ')`, so each moves by its word's start.
 */
function shiftToSentence(encoding: Encoding, words: readonly string[]): Encoding {
  const starts: number[] = [];
  let start = 0;
  for (const word of words) {
    starts.push(start);
    start += word.length + 1;
  }
  const wordIds = encoding.wordIds();
  const offsets = encoding.offsets.map(([s, t], i): Offset => {
    const w = wordIds[i];
    const shift = w === null || w === undefined ? 0 : (starts[w] ?? 0);
    return [s + shift, t + shift];
  });
  const shifted = new Encoding({ ...encoding.toFields(), offsets });
  shifted.overflowing = encoding.overflowing;
  return shifted;
}
