/** The fields `aggregateOverlappingEntities` compares. */
interface Span {
  score: number;
  start: number | null;
  end: number | null;
}

/**
 * Python's `aggregate_overlapping_entities`, used when a long text was cut
 * into overlapping windows: entities are sorted by start (stably), and of two
 * entities where the second starts inside the first, the longer one is kept
 * (the higher score on equal length, the earlier one on equal score).
 */
export function aggregateOverlappingEntities<E extends Span>(entities: readonly E[]): E[] {
  if (entities.length === 0) return [];
  const sorted = [...entities].sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  const kept: E[] = [];
  let previous = sorted[0]!;
  for (const entity of sorted) {
    const start = entity.start ?? 0;
    const prevStart = previous.start ?? 0;
    const prevEnd = previous.end ?? 0;
    if (prevStart <= start && start < prevEnd) {
      const length = (entity.end ?? 0) - start;
      const previousLength = prevEnd - prevStart;
      if (length > previousLength || (length === previousLength && entity.score > previous.score)) {
        previous = entity;
      }
    } else {
      kept.push(previous);
      previous = entity;
    }
  }
  kept.push(previous);
  return kept;
}
