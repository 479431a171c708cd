import { PipelineModelError } from './errors.js';
import type { Id2Label } from './types.js';

/** Looks up a class index in `id2label`, with an error naming the index when it is missing. */
export function labelOf(id2label: Id2Label, index: number): string {
  const label = Array.isArray(id2label)
    ? (id2label as readonly string[])[index]
    : (id2label as Readonly<Record<string, string>>)[String(index)];
  if (label === undefined) {
    throw new PipelineModelError(
      `id2label has no entry for class index ${index}: the model predicts more classes than config.id2label names.`,
    );
  }
  return label;
}

/** Number of classes `id2label` names (its largest index + 1). */
export function labelCount(id2label: Id2Label): number {
  if (Array.isArray(id2label)) return id2label.length;
  let max = -1;
  for (const key of Object.keys(id2label)) max = Math.max(max, Number(key));
  return max + 1;
}
