import { SeqevalIndexError, SeqevalKeyError, SeqevalTypeError } from './errors.js';
import { PREFIX_LETTERS } from './scheme.js';
import { stripChars } from './python-text.js';
import type { TypeInterner } from './type-interner.js';

/**
 * A tag as `seqeval.scheme.Token` sees it, packed into one small integer:
 * `typeId * 8 + prefix index` (0–6 in `IOBESUL` order).
 */
export type PackedStrictTag = number;
export const STRICT_PREFIX_BITS = 3;
export const STRICT_PREFIX_MASK = 7;

/** Options of `Token` that decide how a tag string splits. */
export interface StrictTagOptions {
  /** Prefix at the end (`PER-B`) instead of the start (`B-PER`). */
  readonly suffix: boolean;
  /** Characters stripped from both ends of the type (Python `str.strip(delimiter)`); `-` in seqeval. */
  readonly delimiter: string;
}

/** The prefix character of a tag (first or last code point) and the rest of the tag. */
export function splitPrefix(tag: string, suffix: boolean): { letter: string; rest: string } {
  if (typeof tag !== 'string') {
    throw new SeqevalTypeError(`Expected every tag to be a string, got ${typeof tag} (${String(tag)}).`);
  }
  if (tag.length === 0) {
    throw new SeqevalIndexError(
      'string index out of range: an empty tag has no prefix character (seqeval raises IndexError).',
    );
  }
  if (suffix) {
    const codePoint = lastCodePointLength(tag);
    return { letter: tag.slice(tag.length - codePoint), rest: tag.slice(0, tag.length - codePoint) };
  }
  const width = tag.codePointAt(0)! > 0xffff ? 2 : 1;
  return { letter: tag.slice(0, width), rest: tag.slice(width) };
}

function lastCodePointLength(text: string): number {
  const last = text.charCodeAt(text.length - 1);
  if (last >= 0xdc00 && last <= 0xdfff && text.length >= 2) {
    const high = text.charCodeAt(text.length - 2);
    if (high >= 0xd800 && high <= 0xdbff) return 2;
  }
  return 1;
}

/** Python's repr of a one-character key, as `KeyError` prints it. */
function reprKey(letter: string): string {
  return letter.includes("'") && !letter.includes('"') ? `"${letter}"` : `'${letter.replace(/'/g, "\\'")}'`;
}

/**
 * Parses tags like `seqeval.scheme.Token` (prefix letter looked up in `Prefix`,
 * type = the rest stripped of the delimiter, or `_`), caching each distinct tag.
 * An unknown prefix letter throws {@link SeqevalKeyError}, as seqeval's `KeyError`.
 */
export class StrictTagParser {
  private readonly cache = new Map<string, PackedStrictTag>();
  private readonly options: StrictTagOptions;
  private readonly interner: TypeInterner;
  /** The `O` seqeval appends to every sentence. */
  readonly outside: PackedStrictTag;

  constructor(options: StrictTagOptions, interner: TypeInterner) {
    this.options = options;
    this.interner = interner;
    this.outside = this.parse('O');
  }

  parse(tag: string): PackedStrictTag {
    const cached = this.cache.get(tag);
    if (cached !== undefined) return cached;
    const { letter, rest } = splitPrefix(tag, this.options.suffix);
    const prefix = letter.length === 1 ? PREFIX_LETTERS.indexOf(letter) : -1;
    if (prefix === -1) {
      throw new SeqevalKeyError(
        letter,
        `${reprKey(letter)}: tag "${tag}" has prefix "${letter}", which is none of I, O, B, E, S, U, L ` +
          `(seqeval's strict mode raises KeyError). Check the tags, or the suffix option (now ${this.options.suffix}).`,
      );
    }
    const type = stripChars(rest, this.options.delimiter);
    const parsed = (this.interner.idOf(type === '' ? '_' : type) << STRICT_PREFIX_BITS) | prefix;
    this.cache.set(tag, parsed);
    return parsed;
  }
}
