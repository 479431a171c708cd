import { DefaultTagParser } from './default-tag.js';
import { extractDefaultEntities, type TagSequences } from './default-entities.js';
import { countTokens, EntityList } from './entity-list.js';
import type { Scheme } from './scheme.js';
import { extractSentenceEntities, SentenceBuffers } from './strict-entities.js';
import { StrictTagParser } from './strict-tag.js';
import { countByType, type TypeCounts } from './type-counts.js';
import { TypeInterner } from './type-interner.js';
import type { WarningSink } from './warnings.js';

/** Entities of the true and the predicted corpus, with type ids from one interner. */
export interface EntityPair {
  readonly trueEntities: EntityList;
  readonly predEntities: EntityList;
  readonly interner: TypeInterner;
  /** Which position is unique per entity (see {@link countByType}). */
  readonly uniqueKey: 'starts' | 'ends';
}

/** Default (conlleval) mode: `get_entities(y_true)` then `get_entities(y_pred)`, warnings in that order. */
export function extractDefaultPair(
  yTrue: TagSequences,
  yPred: TagSequences,
  suffix: boolean,
  sink: WarningSink,
): EntityPair {
  const interner = new TypeInterner();
  const parser = new DefaultTagParser(suffix, interner, sink);
  const trueEntities = extractDefaultEntities(yTrue, parser);
  const predEntities = extractDefaultEntities(yPred, parser);
  return { trueEntities, predEntities, interner, uniqueKey: 'ends' };
}

/** All sentences of a corpus through `Tokens.entities`, positions offset per sentence. */
export function extractStrictCorpus(
  sequences: readonly (readonly string[])[],
  scheme: Scheme,
  parser: StrictTagParser,
  buffers: SentenceBuffers,
): EntityList {
  const out = new EntityList(countTokens(sequences));
  let offset = 0;
  for (const sentence of sequences) {
    extractSentenceEntities(sentence, scheme, parser, buffers, offset, out);
    offset += sentence.length;
  }
  return out;
}

/** Strict mode: `Entities(y_true, scheme)` then `Entities(y_pred, scheme)`. */
export function extractStrictPair(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  scheme: Scheme,
  suffix: boolean,
): EntityPair {
  const interner = new TypeInterner();
  const parser = new StrictTagParser({ suffix, delimiter: '-' }, interner);
  const buffers = new SentenceBuffers();
  const trueEntities = extractStrictCorpus(yTrue, scheme, parser, buffers);
  const predEntities = extractStrictCorpus(yPred, scheme, parser, buffers);
  return { trueEntities, predEntities, interner, uniqueKey: 'starts' };
}

/** Per-type counts of a pair. */
export function countPair(pair: EntityPair): TypeCounts {
  return countByType(pair.trueEntities, pair.predEntities, pair.interner, pair.uniqueKey);
}
