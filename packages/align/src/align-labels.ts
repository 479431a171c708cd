import { AlignInputError } from './errors.js';
import { checkOptionNames } from './option-names.js';

/** Options of {@link alignLabelsWithTokens}. */
export interface AlignLabelsOptions {
  /** `'all'` (default, the tutorial's): every sub-token gets a label; `'first'`: only a word's first sub-token. */
  strategy?: 'all' | 'first';
  /** Label id → name; needed by `'all'` to turn `B-X` into `I-X` on continuation tokens. */
  labelNames?: readonly string[];
  /** Label for special tokens and skipped sub-tokens (default -100, ignored by the loss). */
  ignoreIndex?: number;
}

/**
 * Word labels → token labels. Special tokens (word id null) get -100.
 * `'first'` labels only the first sub-token of each word. `'all'` labels every
 * sub-token and, on continuation tokens, maps a `B-X` label to `I-X` by name
 * (so it works for any label order, not only the `label % 2` trick of the
 * course). Python (course): `align_labels_with_tokens(labels, word_ids)`.
 */
export function alignLabelsWithTokens(
  labels: readonly number[],
  wordIds: readonly (number | null)[],
  options: AlignLabelsOptions = {},
): number[] {
  checkOptionNames(options, 'alignLabelsWithTokens');
  const strategy = options.strategy ?? 'all';
  const ignore = options.ignoreIndex ?? -100;
  const names = options.labelNames;
  const insideOf = new Map<number, number>();
  if (strategy === 'all' && names) {
    const idOf = new Map(names.map((n, i) => [n, i]));
    names.forEach((name, id) => {
      if (name.startsWith('B-')) {
        const inside = idOf.get(`I-${name.slice(2)}`);
        if (inside !== undefined) insideOf.set(id, inside);
      }
    });
  }
  const out: number[] = [];
  let previous: number | null = null;
  for (let t = 0; t < wordIds.length; t++) {
    const word = wordIds[t];
    if (word === null || word === undefined) {
      out.push(ignore);
    } else {
      const label = labels[word];
      if (label === undefined) {
        throw new AlignInputError(
          `token ${t} has word id ${word}, but only ${labels.length} word labels were given`,
        );
      }
      if (word !== previous) out.push(label);
      else if (strategy === 'first' || label === ignore) out.push(ignore);
      else out.push(insideOf.get(label) ?? label);
    }
    previous = word ?? null;
  }
  return out;
}
