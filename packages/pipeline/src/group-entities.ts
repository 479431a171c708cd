import type { LabelledSpan } from './aggregate-words.js';
import { float32NanMean } from './float32-math.js';
import type { TokenizerTraits } from './pipeline-interfaces.js';
import type { GroupedEntity } from './types.js';

/**
 * Splits a label into its B/I part and its type, like Python's `get_tag`:
 * `"B-PER"` → `["B", "PER"]`, `"I-PER"` → `["I", "PER"]`, and a label without
 * those prefixes (`"PER"`, `"O"`, `"E-PER"`) counts as a continuation `["I", label]`.
 */
export function getTag(label: string): [bi: 'B' | 'I', tag: string] {
  if (label.startsWith('B-')) return ['B', label.slice(2)];
  if (label.startsWith('I-')) return ['I', label.slice(2)];
  return ['I', label];
}

/**
 * Python's `group_sub_entities`: one entity from a run of labelled spans. The
 * type is the first span's label after its first `-` (`"B-PER"` → `"PER"`), the
 * score the float32 `nanmean` of the spans' scores, the word their decoded text.
 */
export function groupSubEntities(spans: readonly LabelledSpan[], tokenizer: TokenizerTraits): GroupedEntity {
  const first = spans[0]!;
  const dash = first.entity.indexOf('-');
  return {
    entity_group: dash === -1 ? first.entity : first.entity.slice(dash + 1),
    score: float32NanMean(spans.map((s) => s.score)),
    word: tokenizer.convertTokensToString(spans.map((s) => s.word)),
    start: first.start,
    end: spans[spans.length - 1]!.end,
  };
}

/**
 * Python's `group_entities`: merges consecutive spans of the same type unless
 * the newer one starts with `B-` (two `B-PER` in a row are two people).
 */
export function groupEntities(spans: readonly LabelledSpan[], tokenizer: TokenizerTraits): GroupedEntity[] {
  const groups: GroupedEntity[] = [];
  let run: LabelledSpan[] = [];
  for (const span of spans) {
    if (run.length === 0) {
      run.push(span);
      continue;
    }
    const [bi, tag] = getTag(span.entity);
    const [, lastTag] = getTag(run[run.length - 1]!.entity);
    if (tag === lastTag && bi !== 'B') {
      run.push(span);
    } else {
      groups.push(groupSubEntities(run, tokenizer));
      run = [span];
    }
  }
  if (run.length > 0) groups.push(groupSubEntities(run, tokenizer));
  return groups;
}
