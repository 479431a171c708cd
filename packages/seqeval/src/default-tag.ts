import { SeqevalIndexError, SeqevalTypeError } from './errors.js';
import type { TypeInterner } from './type-interner.js';
import type { WarningSink } from './warnings.js';

/**
 * Prefix classes that matter to conlleval chunking. Every other prefix
 * character behaves the same way (like an `I` that never continues a chunk), so
 * it gets one class.
 */
export const PREFIX_OTHER = 0;
export const PREFIX_B = 1;
export const PREFIX_I = 2;
export const PREFIX_E = 3;
export const PREFIX_S = 4;
export const PREFIX_O = 5;
export const PREFIX_DOT = 6;

/** A parsed tag packed into one small integer: `typeId * 8 + prefix class`. */
export type PackedTag = number;
export const PREFIX_BITS = 3;
export const PREFIX_MASK = 7;

function prefixClass(codePoint: number): number {
  switch (codePoint) {
    case 0x42:
      return PREFIX_B;
    case 0x49:
      return PREFIX_I;
    case 0x45:
      return PREFIX_E;
    case 0x53:
      return PREFIX_S;
    case 0x4f:
      return PREFIX_O;
    case 0x2e:
      return PREFIX_DOT;
    default:
      return PREFIX_OTHER;
  }
}

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
  private readonly cache = new Map<string, PackedTag>();
  private readonly suffix: boolean;
  private readonly interner: TypeInterner;
  private readonly sink: WarningSink;

  constructor(suffix: boolean, interner: TypeInterner, sink: WarningSink) {
    this.suffix = suffix;
    this.interner = interner;
    this.sink = sink;
  }

  /** The packed tag (`typeId * 8 + prefix class`); warns the first time it sees a non-NE tag. */
  parse(tag: string): PackedTag {
    const cached = this.cache.get(tag);
    if (cached !== undefined) return cached;
    const parsed = this.split(tag);
    this.cache.set(tag, parsed);
    return parsed;
  }

  private split(tag: string): PackedTag {
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
    return (this.interner.idOf(type === '' ? '_' : type) << PREFIX_BITS) | prefixClass(prefix);
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
