import { CHAR_B, CHAR_DOT, CHAR_E, CHAR_I, CHAR_O, CHAR_S, type DefaultTagParser } from './default-tag.js';
import type { EntityList } from './entity-list.js';

/** A tag sequence, or a list of them (sentences), as seqeval accepts. */
export type TagSequences = readonly string[] | readonly (readonly string[])[];

/** Whether seqeval treats the input as a list of sentences (`any(isinstance(s, list) for s in seq)`). */
export function isNested(sequences: readonly unknown[]): boolean {
  for (const item of sequences) if (Array.isArray(item)) return true;
  return false;
}

/** The type id the running state starts with: seqeval's `prev_type = ''`, unequal to every real type. */
const NO_TYPE = -1;

/**
 * Conlleval-compatible chunking of `seqeval.metrics.sequence_labeling.get_entities`:
 * nested input is joined with an `O` after every sentence, one more `O` closes
 * the corpus, and a chunk ends/starts by the `end_of_chunk`/`start_of_chunk`
 * rules. Ends are inclusive. Runs on cached tag ids, without building the
 * flattened list.
 */
export function extractDefaultEntities(sequences: TagSequences, parser: DefaultTagParser): EntityList {
  const types: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const outside = parser.parse('O');

  let prevPrefix = CHAR_O;
  let prevType = NO_TYPE;
  let begin = 0;
  let position = 0;

  const step = (prefix: number, typeId: number): void => {
    let chunkEnds = false;
    if (prevPrefix === CHAR_E || prevPrefix === CHAR_S) chunkEnds = true;
    else if (
      (prevPrefix === CHAR_B || prevPrefix === CHAR_I) &&
      (prefix === CHAR_B || prefix === CHAR_S || prefix === CHAR_O)
    )
      chunkEnds = true;
    if (prevPrefix !== CHAR_O && prevPrefix !== CHAR_DOT && prevType !== typeId) chunkEnds = true;
    if (chunkEnds) {
      types.push(prevType);
      starts.push(begin);
      ends.push(position - 1);
    }
    if (
      prefix === CHAR_B ||
      prefix === CHAR_S ||
      ((prefix === CHAR_E || prefix === CHAR_I) &&
        (prevPrefix === CHAR_E || prevPrefix === CHAR_S || prevPrefix === CHAR_O)) ||
      (prefix !== CHAR_O && prefix !== CHAR_DOT && prevType !== typeId)
    )
      begin = position;
    prevPrefix = prefix;
    prevType = typeId;
    position++;
  };

  if (isNested(sequences)) {
    for (const sentence of sequences as readonly (readonly string[])[]) {
      for (let i = 0; i < sentence.length; i++) {
        const tag = parser.parse(sentence[i]!);
        step(tag.prefix, tag.typeId);
      }
      step(outside.prefix, outside.typeId);
    }
  } else {
    const flat = sequences as readonly string[];
    for (let i = 0; i < flat.length; i++) {
      const tag = parser.parse(flat[i]!);
      step(tag.prefix, tag.typeId);
    }
  }
  step(outside.prefix, outside.typeId);
  return { types, starts, ends };
}
