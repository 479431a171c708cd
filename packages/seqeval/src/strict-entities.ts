import type { EntityList } from './entity-list.js';
import { SeqevalValueError } from './errors.js';
import { P_O, PREFIX_COUNT, type Scheme, TAG_DIFF, TAG_SAME } from './scheme.js';
import { STRICT_PREFIX_BITS, STRICT_PREFIX_MASK, type StrictTagParser } from './strict-tag.js';

/**
 * Reusable buffers for the prefixes and type ids of one sentence plus the
 * closing `O` seqeval appends (`extended_tokens`).
 */
export class SentenceBuffers {
  prefixes = new Int8Array(64);
  typeIds = new Int32Array(64);

  ensure(length: number): void {
    if (this.prefixes.length >= length) return;
    let size = this.prefixes.length;
    while (size < length) size *= 2;
    this.prefixes = new Int8Array(size);
    this.typeIds = new Int32Array(size);
  }
}

/**
 * Entities of one sentence by the rules of `seqeval.scheme.Tokens.entities`:
 * every token is parsed first (an unknown prefix throws `KeyError` before any
 * prefix is checked against the scheme), then tokens are walked with the scheme's
 * start / inside / end patterns. Appends `[type, offset + start, offset + end)`.
 */
export function extractSentenceEntities(
  sentence: readonly string[],
  scheme: Scheme,
  parser: StrictTagParser,
  buffers: SentenceBuffers,
  offset: number,
  out: EntityList,
): void {
  const length = sentence.length;
  buffers.ensure(length + 1);
  const prefixes = buffers.prefixes;
  const typeIds = buffers.typeIds;
  let lastTag: string | undefined;
  let packed = 0;
  for (let k = 0; k < length; k++) {
    const tag = sentence[k]!;
    // Runs of the same tag (mostly `O`) skip the map lookup.
    if (tag !== lastTag) {
      packed = parser.parse(tag);
      lastTag = tag;
    }
    prefixes[k] = packed & STRICT_PREFIX_MASK;
    typeIds[k] = packed >> STRICT_PREFIX_BITS;
  }
  const outside = parser.outside;
  prefixes[length] = outside & STRICT_PREFIX_MASK;
  const outsideType = outside >> STRICT_PREFIX_BITS;
  typeIds[length] = outsideType;

  const { allowedMask, start: startTable, inside: insideTable, end: endTable } = scheme;
  let previousPrefix = P_O;
  let previousType = outsideType;
  let i = 0;
  while (i <= length) {
    const prefix = prefixes[i]!;
    const typeId = typeIds[i]!;
    if ((allowedMask & (1 << prefix)) === 0) {
      const token = i < length ? sentence[i]! : 'O';
      throw new SeqevalValueError(
        `Invalid token is found: ${token}. Allowed prefixes are: ${scheme.allowedText}.` +
          ` (scheme ${scheme.name}, token ${i} of a sentence of ${length})`,
      );
    }
    const startCondition = startTable[previousPrefix * PREFIX_COUNT + prefix]!;
    if (startCondition !== 0 && (startCondition & (previousType === typeId ? TAG_SAME : TAG_DIFF)) !== 0) {
      // `_forward`: extend the chunk while tokens are "inside" it.
      let insidePrefix = prefix;
      let insideType = typeId;
      let end = -1;
      for (let j = i + 1; j <= length; j++) {
        const condition = insideTable[insidePrefix * PREFIX_COUNT + prefixes[j]!]!;
        if (condition !== 0 && (condition & (insideType === typeIds[j]! ? TAG_SAME : TAG_DIFF)) !== 0) {
          insidePrefix = prefixes[j]!;
          insideType = typeIds[j]!;
        } else {
          end = j;
          break;
        }
      }
      // seqeval's fallback when every remaining token is inside (cannot happen: `O` never is).
      if (end === -1) end = length - 1;
      // `_is_end`: the chunk counts only if the token after it closes it properly.
      const endCondition = endTable[prefixes[end - 1]! * PREFIX_COUNT + prefixes[end]!]!;
      if (
        endCondition !== 0 &&
        (endCondition & (typeIds[end - 1] === typeIds[end] ? TAG_SAME : TAG_DIFF)) !== 0
      ) {
        out.push(typeId, offset + i, offset + end);
      }
      i = end;
    } else {
      i++;
    }
    previousPrefix = prefixes[i - 1]!;
    previousType = typeIds[i - 1]!;
  }
}
