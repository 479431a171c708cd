import { extractSentenceEntities, SentenceBuffers } from './strict-entities.js';
import { EntityList } from './entity-list.js';
import { type SchemeName, schemeByName } from './scheme.js';
import { StrictTagParser } from './strict-tag.js';
import { TypeInterner } from './type-interner.js';
import { checkOptionNames } from './option-names.js';

/** An entity as `seqeval.scheme.Entity.to_tuple()`: sentence, type, start, end (exclusive). */
export type StrictEntityTuple = [sentenceId: number, type: string, start: number, end: number];

/** Options of {@link Entities}. */
export interface EntitiesOptions {
  /** Tags carry the prefix at the end (`PER-B`). */
  suffix?: boolean;
  /** Characters stripped from both ends of a tag's type; default `-`. */
  delimiter?: string;
}

/**
 * Strict-mode entities of a corpus, like `seqeval.scheme.Entities`: one list
 * per sentence of `[sentenceId, type, start, end)`, extracted with the start,
 * inside and end patterns of the scheme. Throws `SeqevalKeyError` for a prefix
 * letter outside I, O, B, E, S, U, L and `SeqevalValueError` for a prefix the
 * scheme does not allow (e.g. `S-` in IOB2).
 */
export class Entities {
  /** Entities per sentence, in order. */
  readonly entities: StrictEntityTuple[][];

  constructor(sequences: readonly (readonly string[])[], scheme: SchemeName, options: EntitiesOptions = {}) {
    checkOptionNames(options, 'Entities');
    const resolved = schemeByName(scheme);
    const interner = new TypeInterner();
    const parser = new StrictTagParser(
      { suffix: options.suffix ?? false, delimiter: options.delimiter ?? '-' },
      interner,
    );
    const buffers = new SentenceBuffers();
    this.entities = sequences.map((sentence, sentenceId) => {
      const out = new EntityList(sentence.length);
      extractSentenceEntities(sentence, resolved, parser, buffers, 0, out);
      const tuples: StrictEntityTuple[] = [];
      for (let i = 0; i < out.length; i++) {
        tuples.push([sentenceId, interner.names[out.types[i]!]!, out.starts[i]!, out.ends[i]!]);
      }
      return tuples;
    });
  }

  /** Entities of one type across all sentences (`Entities.filter`). */
  filter(type: string): StrictEntityTuple[] {
    return this.entities.flat().filter((entity) => entity[1] === type);
  }

  /** The set of entity types found (`Entities.unique_tags`). */
  get uniqueTags(): Set<string> {
    return new Set(this.entities.flat().map((entity) => entity[1]));
  }
}
