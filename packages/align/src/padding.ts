// Padding of encoded rows, as transformers' `padding=` on a fast tokenizer: the
// target length is chosen once for the rows padded together (one input's
// windows, or a whole batch), then each row is filled on the right.
import { Encoding, type Offset } from './encoding.js';
import { isLengthLimit } from './model-max-length.js';

/** Padding modes, as Python's `padding=`: `true`/`'longest'`, `'max_length'`, or none. */
export type PaddingStrategy = boolean | 'longest' | 'max_length' | 'do_not_pad';

/**
 * The length to pad `encodings` to, or undefined for no padding: the longest row
 * for `true`/`'longest'`, `maxLength` for `'max_length'` (none when `maxLength` is
 * "no limit", as Python).
 */
export function paddingLength(
  padding: PaddingStrategy | undefined,
  maxLength: number,
  encodings: readonly Encoding[],
): number | undefined {
  if (padding === undefined || padding === false || padding === 'do_not_pad') return undefined;
  // Python: no maximum length known → "Default to no padding".
  if (padding === 'max_length') return isLengthLimit(maxLength) ? maxLength : undefined;
  return Math.max(0, ...encodings.map((e) => e.length));
}

/** The pad token as the padded positions show it. */
export interface PadToken {
  padTokenId: number;
  padToken: string;
}

/**
 * `encoding` filled on the right to `length` tokens with the pad token (type 0,
 * attention 0, special, no word, offset `[0, 0]`); unchanged when already as long.
 */
export function padEncoding(encoding: Encoding, length: number, pad: PadToken): Encoding {
  const extra = length - encoding.length;
  if (extra <= 0) return encoding;
  const f = encoding.toFields();
  const fill = <T>(values: T[], value: T): T[] => values.concat(new Array<T>(extra).fill(value));
  const padded = new Encoding({
    inputIds: fill(f.inputIds, pad.padTokenId),
    tokenTypeIds: fill(f.tokenTypeIds, 0),
    attentionMask: fill(f.attentionMask, 0),
    specialTokensMask: fill(f.specialTokensMask, 1),
    offsets: f.offsets.concat(Array.from({ length: extra }, (): Offset => [0, 0])),
    tokenStrings: fill(f.tokenStrings, pad.padToken),
    wordIdList: fill<number | null>(f.wordIdList, null),
    sequenceIdList: fill<number | null>(f.sequenceIdList, null),
  });
  padded.overflowing = encoding.overflowing;
  return padded;
}
