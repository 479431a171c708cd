/**
 * The tutorial's way of showing a labelled sentence: each word above its label, both padded to the wider
 * of the two plus one space (so lines end with a space, exactly like the course's Python loop).
 */
import type { ClassLabel } from './features.js';

/** Python's `len` (code points), which the padding is based on. */
function pythonLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * Two lines: words, and labels under them. `labels` are names, or ids with `classLabel` to name them.
 *
 * ```
 * EU    rejects German call to boycott British lamb .
 * B-ORG O       B-MISC O    O  O       B-MISC  O    O
 * ```
 */
export function alignWordsAndLabels(
  words: readonly string[],
  labels: readonly (string | number)[],
  classLabel?: ClassLabel,
): { words: string; labels: string } {
  if (words.length !== labels.length) {
    throw new RangeError(`alignWordsAndLabels: ${words.length} words but ${labels.length} labels.`);
  }
  let top = '';
  let bottom = '';
  words.forEach((word, i) => {
    const raw = labels[i] as string | number;
    const label = typeof raw === 'number' ? (classLabel ? classLabel.int2str(raw) : String(raw)) : raw;
    const width = Math.max(pythonLength(word), pythonLength(label));
    top += word + ' '.repeat(width - pythonLength(word) + 1);
    bottom += label + ' '.repeat(width - pythonLength(label) + 1);
  });
  return { words: top, labels: bottom };
}

/** {@link alignWordsAndLabels} as one printable string (`words\nlabels`). */
export function formatWordsWithLabels(
  words: readonly string[],
  labels: readonly (string | number)[],
  classLabel?: ClassLabel,
): string {
  const { words: top, labels: bottom } = alignWordsAndLabels(words, labels, classLabel);
  return `${top}\n${bottom}`;
}
