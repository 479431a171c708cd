// Rows of token ids and labels for the Trainer tests on cuda, and their collator: every row the
// same length, labels -100 on the first and last token (the special tokens), as collated batches are.

/** A training row: token ids and one label per token. */
export interface TokenRow {
  input_ids: number[];
  labels: number[];
}

/** `count` rows of `length` ids below 34 (the tiny BERT's vocabulary is 40), labels in [0, 3). */
export function tokenRows(count: number, length: number): TokenRow[] {
  return Array.from({ length: count }, (_, i) => {
    const ids = Array.from({ length }, (_, j) =>
      j === 0 ? 2 : j === length - 1 ? 3 : 4 + ((i * 7 + j * 3 + ((i * j) % 5)) % 30),
    );
    return { input_ids: ids, labels: ids.map((id, j) => (j === 0 || j === length - 1 ? -100 : id % 3)) };
  });
}

/** int32 columns as @ner/collate's collators give them (`{ data, shape, dtype }`). */
function column(values: number[][]) {
  return {
    data: Int32Array.from(values.flat()),
    shape: [values.length, values[0]!.length],
    dtype: 'int32' as const,
  };
}

/** The batch of `rows`: ids, an all-ones attention mask, labels. */
export function collateTokenRows(rows: readonly TokenRow[]) {
  return {
    input_ids: column(rows.map((r) => r.input_ids)),
    attention_mask: column(rows.map((r) => r.input_ids.map(() => 1))),
    labels: column(rows.map((r) => r.labels)),
  };
}
