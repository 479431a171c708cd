/**
 * Entities of a whole corpus in parallel typed arrays (type id, first token,
 * end), positions counted over the flattened corpus, stored in order of
 * position. Typed arrays sized once for the corpus keep a million-token corpus
 * free of per-entity allocations.
 */
export class EntityList {
  types: Int32Array;
  starts: Int32Array;
  /** Inclusive in default mode (like `get_entities`), exclusive in strict mode (like `Entities`). */
  ends: Int32Array;
  length = 0;

  /** `capacity`: an upper bound of the entity count (e.g. the number of positions), or a first guess. */
  constructor(capacity = 16) {
    const size = Math.max(capacity, 1);
    this.types = new Int32Array(size);
    this.starts = new Int32Array(size);
    this.ends = new Int32Array(size);
  }

  push(type: number, start: number, end: number): void {
    if (this.length === this.types.length) this.grow();
    this.types[this.length] = type;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length++;
  }

  private grow(): void {
    const size = this.types.length * 2;
    const copy = (from: Int32Array) => {
      const to = new Int32Array(size);
      to.set(from);
      return to;
    };
    this.types = copy(this.types);
    this.starts = copy(this.starts);
    this.ends = copy(this.ends);
  }
}

/** Number of tokens in a list of sentences (an upper bound of its entities). */
export function countTokens(sentences: readonly (readonly unknown[])[]): number {
  let total = 0;
  for (const sentence of sentences) total += sentence.length;
  return total;
}
