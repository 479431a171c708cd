/**
 * Entities of a whole corpus in parallel arrays (type id, first token, last
 * token), positions counted over the flattened corpus. Parallel number arrays
 * keep a million-token corpus cheap; entities are stored in order of position.
 */
export interface EntityList {
  readonly types: number[];
  readonly starts: number[];
  /** Inclusive in default mode (like `get_entities`), exclusive in strict mode (like `Entities`). */
  readonly ends: number[];
}

export function emptyEntityList(): EntityList {
  return { types: [], starts: [], ends: [] };
}
