import { aggregateWords, type LabelledSpan } from './aggregate-words.js';
import type { AggregationStrategy } from './aggregation-strategy.js';
import { PipelineInputShapeError } from './errors.js';
import { argmax, float32Softmax } from './float32-math.js';
import { groupEntities } from './group-entities.js';
import { labelOf } from './id2label.js';
import { resolveIgnoreLabels } from './ignore-labels.js';
import { aggregateOverlappingEntities } from './overlapping-entities.js';
import type { TokenizerTraits } from './pipeline-interfaces.js';
import { gatherPreEntities, type PreEntity, type PreEntityInput } from './pre-entities.js';
import type { GroupedEntity, Id2Label, Offset, TokenClassificationOutput, TokenEntity } from './types.js';

/** One encoded window of the input and the model's logits for it. */
export interface TokenClassificationWindow {
  inputIds: ArrayLike<number>;
  /** Token strings, one per id. */
  tokens: readonly string[];
  /** Character offsets into the whole input text (not into the window), or null. */
  offsets: readonly Offset[] | null;
  specialTokensMask: ArrayLike<number>;
  /** Logits `[T][C]`: one row per token (rows of padding are ignored through the mask). */
  logits: readonly ArrayLike<number>[];
  /** `index` reported per position (default: the position); see {@link PreEntityInput.tokenIndices}. */
  tokenIndices?: ArrayLike<number>;
}

/** Options of {@link postprocessTokenClassification}. */
export interface TokenClassificationPostprocessOptions {
  id2label: Id2Label;
  tokenizer: TokenizerTraits;
  /** Default `'none'`, as in Python. */
  aggregationStrategy?: AggregationStrategy;
  /**
   * Labels (for `none`) or entity groups (otherwise) to drop; default `['O']`.
   * Applied after grouping. A single string is one label.
   */
  ignoreLabels?: readonly string[] | string;
}

/**
 * Python's `aggregate`: labels every token (`none`, `simple`) or every word
 * (`first`, `average`, `max`), then groups unless the strategy is `none`.
 */
export function aggregate(
  preEntities: readonly PreEntity[],
  strategy: AggregationStrategy,
  id2label: Id2Label,
  tokenizer: TokenizerTraits,
): TokenClassificationOutput {
  if (strategy === 'none' || strategy === 'simple') {
    const tokens: TokenEntity[] = preEntities.map((pre) => {
      const idx = argmax(pre.scores);
      return {
        entity: labelOf(id2label, idx),
        score: pre.scores[idx]!,
        index: pre.index,
        word: pre.word,
        start: pre.start,
        end: pre.end,
      };
    });
    return strategy === 'none' ? tokens : groupEntities(tokens, tokenizer);
  }
  const words: LabelledSpan[] = aggregateWords(preEntities, strategy, id2label, tokenizer);
  return groupEntities(words, tokenizer);
}

function isIgnored(entity: TokenEntity | GroupedEntity, ignoreLabels: readonly string[]): boolean {
  const label = 'entity_group' in entity ? entity.entity_group : entity.entity;
  return ignoreLabels.includes(label);
}

/**
 * Python's `TokenClassificationPipeline.postprocess`: softmax (float32) over each
 * window's logits, pre-entities, aggregation, `ignoreLabels` filtering, and, when
 * the text was split into several overlapping windows, removal of entities that
 * overlap (the longest, then highest-scoring one wins).
 */
export function postprocessTokenClassification(
  sentence: string,
  windows: readonly TokenClassificationWindow[],
  options: TokenClassificationPostprocessOptions,
): TokenClassificationOutput {
  const strategy = options.aggregationStrategy ?? 'none';
  // Also resolved here: this function is exported and called without the sanitizer.
  const ignoreLabels = resolveIgnoreLabels(options.ignoreLabels ?? ['O']);
  const all: (TokenEntity | GroupedEntity)[] = [];
  windows.forEach((window, w) => {
    if (window.logits.length !== window.inputIds.length) {
      throw new PipelineInputShapeError(
        `Window ${w}: logits have ${window.logits.length} rows but the window has ${window.inputIds.length} tokens.`,
      );
    }
    const scores = window.logits.map((row) => float32Softmax(row));
    const preEntities = gatherPreEntities(sentence, { ...window, scores }, options.tokenizer);
    for (const entity of aggregate(preEntities, strategy, options.id2label, options.tokenizer)) {
      if (!isIgnored(entity, ignoreLabels)) all.push(entity);
    }
  });
  const result = windows.length > 1 ? aggregateOverlappingEntities(all) : all;
  return result as TokenClassificationOutput;
}
