import type { AggregationStrategy } from './aggregation-strategy.js';
import { InvalidPipelineOptionError } from './errors.js';
import { argmax, float32NanMeanColumns, maxOf } from './float32-math.js';
import { labelOf } from './id2label.js';
import type { TokenizerTraits } from './pipeline-interfaces.js';
import type { PreEntity } from './pre-entities.js';
import type { Id2Label } from './types.js';

/** A labelled token or word, the unit that `groupEntities` merges. */
export interface LabelledSpan {
  entity: string;
  score: number;
  word: string;
  start: number | null;
  end: number | null;
}

/**
 * Python's `aggregate_word`: one label for a word made of `pieces` (its first
 * token and the sub-words after it). `first` takes the first piece's argmax,
 * `max` the piece whose best score is highest (first one on ties), `average`
 * the argmax of the float32 `nanmean` of the pieces' score vectors.
 */
export function aggregateWord(
  pieces: readonly PreEntity[],
  strategy: AggregationStrategy,
  id2label: Id2Label,
  tokenizer: TokenizerTraits,
): LabelledSpan {
  const word = tokenizer.convertTokensToString(pieces.map((p) => p.word));
  let scores: ArrayLike<number>;
  if (strategy === 'first') {
    scores = pieces[0]!.scores;
  } else if (strategy === 'max') {
    let best = pieces[0]!;
    let bestMax = maxOf(best.scores);
    for (const piece of pieces.slice(1)) {
      const m = maxOf(piece.scores);
      if (m > bestMax) {
        best = piece;
        bestMax = m;
      }
    }
    scores = best.scores;
  } else if (strategy === 'average') {
    scores = float32NanMeanColumns(pieces.map((p) => p.scores));
  } else {
    throw new InvalidPipelineOptionError(
      `aggregateWord needs a word-level aggregationStrategy ("first", "average" or "max"), got "${strategy}".`,
    );
  }
  const idx = argmax(scores);
  return {
    entity: labelOf(id2label, idx),
    score: scores[idx]!,
    word,
    start: pieces[0]!.start,
    end: pieces[pieces.length - 1]!.end,
  };
}

/**
 * Python's `aggregate_words`: cuts the token sequence into words (a token that
 * is not a sub-word starts a new word) and labels each word with `aggregateWord`.
 */
export function aggregateWords(
  preEntities: readonly PreEntity[],
  strategy: AggregationStrategy,
  id2label: Id2Label,
  tokenizer: TokenizerTraits,
): LabelledSpan[] {
  if (strategy === 'none' || strategy === 'simple') {
    throw new InvalidPipelineOptionError('NONE and SIMPLE strategies are invalid for word aggregation');
  }
  const words: LabelledSpan[] = [];
  let group: PreEntity[] | null = null;
  for (const pre of preEntities) {
    if (group === null) {
      group = [pre];
    } else if (pre.isSubword) {
      group.push(pre);
    } else {
      words.push(aggregateWord(group, strategy, id2label, tokenizer));
      group = [pre];
    }
  }
  if (group !== null) words.push(aggregateWord(group, strategy, id2label, tokenizer));
  return words;
}
