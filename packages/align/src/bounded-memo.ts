/**
 * Remembers a pure function's results, up to `limit` keys. Corpora repeat words and
 * characters, so most calls are hits; the limit keeps hostile text that never repeats
 * from growing the map without end (past it, results are computed and not kept).
 */
export class BoundedMemo<Key, Value> {
  private readonly values = new Map<Key, Value>();

  constructor(
    private readonly limit: number,
    private readonly compute: (key: Key) => Value,
  ) {}

  get(key: Key): Value {
    const known = this.values.get(key);
    if (known !== undefined) return known;
    const value = this.compute(key);
    if (this.values.size < this.limit) this.values.set(key, value);
    return value;
  }
}
