import type { GroupedEntity, TokenEntity } from '@ner/pipeline';

type Entity = TokenEntity | GroupedEntity;

/**
 * Compares two entity lists: every field but the score equal (keys in any order), scores
 * within `tolerance`. Exact equality is too strict across batch sizes and processes: BLAS
 * kernels block a GEMM differently for a batch of 1 and a padded batch of 2, which moves
 * float32 logits by a few ulps (Python's pipeline behaves the same way).
 */
export function compareEntities(
  expected: readonly Entity[],
  actual: readonly Entity[],
  tolerance = 1e-5,
): { ok: true; maxScoreDiff: number } | { ok: false; message: string } {
  if (expected.length !== actual.length) {
    return { ok: false, message: `expected ${expected.length} entities, got ${actual.length}` };
  }
  const strip = (e: Entity) =>
    JSON.stringify(
      Object.entries(e)
        .filter(([key]) => key !== 'score')
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  let maxScoreDiff = 0;
  for (const [i, ours] of actual.entries()) {
    const theirs = expected[i]!;
    if (strip(ours) !== strip(theirs)) {
      return { ok: false, message: `entity ${i}: expected ${strip(theirs)}, got ${strip(ours)}` };
    }
    maxScoreDiff = Math.max(maxScoreDiff, Math.abs(ours.score - theirs.score));
  }
  if (maxScoreDiff > tolerance) {
    return { ok: false, message: `scores differ by up to ${maxScoreDiff.toExponential(2)}` };
  }
  return { ok: true, maxScoreDiff };
}
