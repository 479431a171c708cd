import { UnknownAggregationStrategyError } from './errors.js';

/**
 * How token predictions become entities, as in transformers' `AggregationStrategy`:
 * - `none`: one result per token (`entity`, `score`, `index`, `word`, `start`, `end`);
 * - `simple`: adjacent tokens with the same entity type are grouped (B-/I- rules);
 * - `first` / `average` / `max`: each word first gets one label from its sub-tokens
 *   (first sub-token / mean of scores / sub-token with the highest score), then words
 *   are grouped like `simple`.
 */
export type AggregationStrategy = 'none' | 'simple' | 'first' | 'average' | 'max';

/** Every strategy, in transformers' declaration order. */
export const AGGREGATION_STRATEGIES: readonly AggregationStrategy[] = [
  'none',
  'simple',
  'first',
  'average',
  'max',
];

/**
 * Resolves a strategy name case-insensitively, like Python's
 * `AggregationStrategy[name.upper()]` (`"AVERAGE"` works, `"median"` throws).
 */
export function parseAggregationStrategy(name: string): AggregationStrategy {
  const lower = name.toLowerCase();
  if ((AGGREGATION_STRATEGIES as readonly string[]).includes(lower)) return lower as AggregationStrategy;
  throw new UnknownAggregationStrategyError(
    `Unknown aggregationStrategy ${JSON.stringify(name)}: expected one of ${AGGREGATION_STRATEGIES.map((s) => `"${s}"`).join(', ')}.`,
  );
}

/** Strategies that vote per word and therefore need a tokenizer that knows sub-words. */
export function isWordLevelStrategy(strategy: AggregationStrategy): boolean {
  return strategy === 'first' || strategy === 'average' || strategy === 'max';
}
