import { SeqevalIndexError, SeqevalTypeError } from './errors.js';
import type { TypeInterner } from './type-interner.js';
import type { WarningSink } from './warnings.js';

/** A tag as conlleval-style extraction sees it: the prefix character and the entity type. */
export interface DefaultTag {
  /** Code point of the prefix character (`B`, `I`, `E`, `S`, `O`, `.` or anything else). */
  readonly prefix: number;
  readonly typeId: number;
}

export const CHAR_B = 0x42;
export const CHAR_I = 0x49;
export const CHAR_E = 0x45;
export const CHAR_S = 0x53;
export const CHAR_O = 0x4f;
export const CHAR_DOT = 0x2e;

const BARE_PREFIXES = new Set(['O', 'B', 'I', 'E', 'S']);

/** seqeval's `_validate_chunk`: warns (never throws) for a tag that is not `X-TYPE` / `TYPE-X`. */
function looksLikeNamedEntityTag(tag: string, suffix: boolean): boolean {
  if (BARE_PREFIXES.has(tag)) return true;
  if (suffix) return tag.endsWith('-B') || tag.endsWith('-I') || tag.endsWith('-E') || tag.endsWith('-S');
  return tag.startsWith('B-') || tag.startsWith('I-') || tag.startsWith('E-') || tag.startsWith('S-');
}

/**
 * Splits tags the way `seqeval.metrics.sequence_labeling.get_entities` does
 * (prefix = first character, type = text after the first `-`; with `suffix`,
 * prefix = last character, type = text before the last `-`), remembering each
 * distinct tag so a corpus of millions of tokens splits only a handful of strings.
 */
export class DefaultTagParser {
  private readonly cache = new Map<string, DefaultTag>();
  private readonly suffix: boolean;
  private readonly interner: TypeInterner;
  private readonly sink: WarningSink;

  constructor(suffix: boolean, interner: TypeInterner, sink: WarningSink) {
    this.suffix = suffix;
    this.interner = interner;
    this.sink = sink;
  }

  parse(tag: string): DefaultTag {
    const cached = this.cache.get(tag);
    if (cached !== undefined) return cached;
    const parsed = this.split(tag);
    this.cache.set(tag, parsed);
    return parsed;
  }

  private split(tag: string): DefaultTag {
    if (typeof tag !== 'string') {
      throw new SeqevalTypeError(`Expected every tag to be a string, got ${typeof tag} (${String(tag)}).`);
    }
    if (!looksLikeNamedEntityTag(tag, this.suffix))
      this.sink.warn('UserWarning', `${tag} seems not to be NE tag.`);
    if (tag.length === 0) {
      throw new SeqevalIndexError(
        'string index out of range: an empty tag has no prefix character (seqeval raises IndexError).',
      );
    }
    let prefix: number;
    let type: string;
    if (this.suffix) {
      prefix = lastCodePoint(tag);
      const rest = tag.slice(0, tag.length - (prefix > 0xffff ? 2 : 1));
      const dash = rest.lastIndexOf('-');
      type = dash === -1 ? rest : rest.slice(0, dash);
    } else {
      prefix = tag.codePointAt(0)!;
      const rest = tag.slice(prefix > 0xffff ? 2 : 1);
      const dash = rest.indexOf('-');
      type = dash === -1 ? rest : rest.slice(dash + 1);
    }
    return { prefix, typeId: this.interner.idOf(type === '' ? '_' : type) };
  }
}

function lastCodePoint(text: string): number {
  const last = text.charCodeAt(text.length - 1);
  if (last >= 0xdc00 && last <= 0xdfff && text.length >= 2) {
    const high = text.charCodeAt(text.length - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(text.length - 2)!;
  }
  return last;
}
