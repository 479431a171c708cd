import {
  type DefaultTagParser,
  PREFIX_B,
  PREFIX_BITS,
  PREFIX_DOT,
  PREFIX_E,
  PREFIX_I,
  PREFIX_MASK,
  PREFIX_O,
  PREFIX_S,
} from './default-tag.js';
import { countTokens, EntityList } from './entity-list.js';

/** A tag sequence, or a list of them (sentences), as seqeval accepts. */
export type TagSequences = readonly string[] | readonly (readonly string[])[];

/** Whether seqeval treats the input as a list of sentences (`any(isinstance(s, list) for s in seq)`). */
export function isNested(sequences: readonly unknown[]): boolean {
  for (const item of sequences) if (Array.isArray(item)) return true;
  return false;
}

/** The type id the running state starts with: seqeval's `prev_type = ''`, unequal to every real type. */
const NO_TYPE = -1;
const CLASSES = PREFIX_MASK + 1;

/**
 * `end_of_chunk` / `start_of_chunk` rules that depend on the prefixes only,
 * as tables indexed `previous * 8 + current`.
 */
const ENDS_BY_PREFIX = new Uint8Array(CLASSES * CLASSES);
const STARTS_BY_PREFIX = new Uint8Array(CLASSES * CLASSES);
/** Prefix classes for which a type change ends / starts a chunk (all but `O` and `.`). */
const TYPE_SENSITIVE = new Uint8Array(CLASSES);
for (let previous = 0; previous < CLASSES; previous++) {
  TYPE_SENSITIVE[previous] = previous === PREFIX_O || previous === PREFIX_DOT ? 0 : 1;
  for (let current = 0; current < CLASSES; current++) {
    const endsChunk =
      previous === PREFIX_E ||
      previous === PREFIX_S ||
      ((previous === PREFIX_B || previous === PREFIX_I) &&
        (current === PREFIX_B || current === PREFIX_S || current === PREFIX_O));
    const startsChunk =
      current === PREFIX_B ||
      current === PREFIX_S ||
      ((current === PREFIX_E || current === PREFIX_I) &&
        (previous === PREFIX_E || previous === PREFIX_S || previous === PREFIX_O));
    ENDS_BY_PREFIX[previous * CLASSES + current] = endsChunk ? 1 : 0;
    STARTS_BY_PREFIX[previous * CLASSES + current] = startsChunk ? 1 : 0;
  }
}

/**
 * Conlleval-compatible chunking of `seqeval.metrics.sequence_labeling.get_entities`:
 * nested input is joined with an `O` after every sentence, one more `O` closes
 * the corpus, and a chunk ends/starts by the `end_of_chunk`/`start_of_chunk`
 * rules. Ends are inclusive. Runs on cached packed tags, without building the
 * flattened list. (The closing `O` after a sentence's `O` changes nothing, so
 * every sentence, or the one flat sequence, is followed by exactly one `O`.)
 */
export function extractDefaultEntities(sequences: TagSequences, parser: DefaultTagParser): EntityList {
  const outside = parser.parse('O');
  const sentences = (isNested(sequences) ? sequences : [sequences]) as readonly (readonly string[])[];
  // At most one entity ends per position: size the arrays once.
  const entities = new EntityList(countTokens(sentences) + sentences.length);

  let previousClass = PREFIX_O;
  let previousType = NO_TYPE;
  let begin = 0;
  let position = 0;
  let lastTag: string | undefined;
  let lastPacked = outside;
  for (let s = 0; s < sentences.length; s++) {
    const sentence = sentences[s]!;
    const length = sentence.length;
    for (let i = 0; i <= length; i++) {
      let packed: number;
      if (i === length) packed = outside;
      else {
        const tag = sentence[i]!;
        // Runs of the same tag (mostly `O`) skip the map lookup.
        if (tag !== lastTag) {
          lastPacked = parser.parse(tag);
          lastTag = tag;
        }
        packed = lastPacked;
      }
      const currentClass = packed & PREFIX_MASK;
      const typeId = packed >> PREFIX_BITS;
      const pair = previousClass * CLASSES + currentClass;
      const typeChanged = previousType !== typeId;
      if (ENDS_BY_PREFIX[pair] === 1 || (typeChanged && TYPE_SENSITIVE[previousClass] === 1)) {
        entities.push(previousType, begin, position - 1);
      }
      if (STARTS_BY_PREFIX[pair] === 1 || (typeChanged && TYPE_SENSITIVE[currentClass] === 1))
        begin = position;
      previousClass = currentClass;
      previousType = typeId;
      position++;
    }
  }
  return entities;
}
