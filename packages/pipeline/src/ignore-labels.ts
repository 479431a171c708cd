import { InvalidPipelineOptionError } from './errors.js';

/**
 * Resolves the `ignoreLabels` option to a list of labels.
 *
 * A single string is one label: `'O'` means `['O']`. Python would take a
 * string as is and test `label in "O"`, which is substring matching
 * (`ignore_labels="LOC"` would also drop `O`, `L`, `OC`...); nobody means that,
 * so we take the helpful reading. Anything else that is not an array of
 * strings is rejected, since a label that is not a string can never match.
 */
export function resolveIgnoreLabels(value: unknown): readonly string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) {
    throw new InvalidPipelineOptionError(
      `\`ignoreLabels\` must be a label or an array of labels (strings), got ${describe(value)}.`,
    );
  }
  value.forEach((label, index) => {
    if (typeof label !== 'string') {
      throw new InvalidPipelineOptionError(
        `\`ignoreLabels[${index}]\` must be a label string, got ${describe(label)}.`,
      );
    }
  });
  return value as readonly string[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}
