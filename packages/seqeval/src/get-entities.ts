import { DefaultTagParser } from './default-tag.js';
import { extractDefaultEntities, type TagSequences } from './default-entities.js';
import { TypeInterner } from './type-interner.js';
import { type WarningOptions, WarningSink } from './warnings.js';
import { checkOptionNames } from './option-names.js';

/** An entity as `get_entities` returns it: type, first token, last token (inclusive). */
export type EntityTuple = [type: string, start: number, end: number];

/** Options of {@link getEntities}. */
export interface GetEntitiesOptions extends WarningOptions {
  /** Tags carry the prefix at the end (`PER-B`). */
  suffix?: boolean;
}

/**
 * Entities of a tag sequence, like `seqeval.metrics.sequence_labeling.get_entities`:
 * `[type, start, end]` with `end` inclusive. A list of sentences is joined with
 * an `O` between them, so positions count one extra token per sentence.
 * Conlleval rules: `I-X` after `O` starts an entity, a type change ends one.
 * Tags that are not `B-/I-/E-/S-` + type (or `O`) warn but still take part.
 *
 * @example getEntities(['B-PER', 'I-PER', 'O', 'B-LOC']) // [['PER', 0, 1], ['LOC', 3, 3]]
 */
export function getEntities(sequences: TagSequences, options: GetEntitiesOptions = {}): EntityTuple[] {
  checkOptionNames(options, 'get_entities');
  const interner = new TypeInterner();
  const parser = new DefaultTagParser(options.suffix ?? false, interner, new WarningSink(options.onWarning));
  const entities = extractDefaultEntities(sequences, parser);
  const tuples: EntityTuple[] = [];
  for (let i = 0; i < entities.length; i++) {
    tuples.push([interner.names[entities.types[i]!]!, entities.starts[i]!, entities.ends[i]!]);
  }
  return tuples;
}
