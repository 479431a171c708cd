/**
 * transformers' `VERY_LARGE_INTEGER` (`int(1e30)`): the `model_max_length` of a
 * tokenizer whose files name no limit. Kept as a number here so that saving
 * writes it back (as Python's integer literal) and `min(limit, positions)` works.
 */
export const VERY_LARGE_INTEGER = 1e30;

/**
 * transformers' `LARGE_INTEGER` (`int(1e20)`): a `model_max_length` above it
 * means "no limit" (Python then neither truncates nor pads to it).
 */
export const LARGE_INTEGER = 1e20;

/** Whether a `model_max_length` is a real limit (transformers: `<= LARGE_INTEGER`). */
export function isLengthLimit(modelMaxLength: number): boolean {
  return Number.isFinite(modelMaxLength) && modelMaxLength > 0 && modelMaxLength <= LARGE_INTEGER;
}

/** `model_max_length` from tokenizer_config.json: a positive number, otherwise "no limit". */
export function parseModelMaxLength(value: unknown): number {
  return typeof value === 'number' && value > 0 ? value : VERY_LARGE_INTEGER;
}
