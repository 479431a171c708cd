import type { Encoding } from '@ner/align';
import { PipelineInputShapeError } from './errors.js';
import type { PipelineBatch, PipelineLogits, PipelineModel } from './pipeline-interfaces.js';

/** Rows padded on the right to the longest: pad id, attention 0, token type 0. */
function padBatch(group: readonly Encoding[], padTokenId: number): PipelineBatch {
  const longest = Math.max(0, ...group.map((e) => e.length));
  const fill = (row: readonly number[], value: number) =>
    row.length === longest ? [...row] : [...row, ...new Array<number>(longest - row.length).fill(value)];
  return {
    input_ids: group.map((e) => fill(e.inputIds, padTokenId)),
    attention_mask: group.map((e) => fill(e.attentionMask, 0)),
    token_type_ids: group.map((e) => fill(e.tokenTypeIds, 0)),
  };
}

/**
 * Runs the model over encodings in batches of `batchSize`, each batch padded to
 * its longest member (the attention mask hides the padding), and returns every
 * encoding's logits cut back to its own length: token models give `[T][C]`
 * rows, sequence models a single `[C]` row (wrapped as `[[C]]`).
 */
export async function runBatched(
  model: PipelineModel,
  encodings: readonly Encoding[],
  batchSize: number,
  padTokenId: number,
): Promise<Float32Array[][]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new PipelineInputShapeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  const groups: (readonly Encoding[])[] = [];
  for (let from = 0; from < encodings.length; from += batchSize) {
    groups.push(encodings.slice(from, from + batchSize));
  }
  const begin = (i: number): RunningBatch => {
    const input = padBatch(groups[i]!, padTokenId);
    return { group: groups[i]!, input, logits: start(model, input) };
  };
  // A model that allows it gets batch i + 1 before batch i is awaited (one ahead, no more: the
  // device memory of two batches' activations at most); any other, one batch at a time.
  const ahead = model.overlapsBatches === true;
  const results: Float32Array[][] = [];
  let next: RunningBatch | null = groups.length > 0 ? begin(0) : null;
  try {
    for (let i = 0; i < groups.length; i++) {
      const current = next!;
      next = ahead && i + 1 < groups.length ? begin(i + 1) : null;
      splitLogits(await current.logits, current.group, current.input, results);
      if (!ahead && i + 1 < groups.length) next = begin(i + 1);
    }
  } finally {
    // After an error: a batch started ahead still settles (and frees what it holds).
    await next?.logits.catch(() => undefined);
  }
  return results;
}

/** A batch handed to the model: its encodings, padded input and the logits to come. */
interface RunningBatch {
  readonly group: readonly Encoding[];
  readonly input: PipelineBatch;
  readonly logits: Promise<PipelineLogits>;
}

/** `model.predict` as a promise (a synchronous throw becomes a rejection). */
function start(model: PipelineModel, input: PipelineBatch): Promise<PipelineLogits> {
  try {
    return Promise.resolve(model.predict(input));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Checks one batch's logits against its input and appends each encoding's rows to `results`. */
function splitLogits(
  logits: PipelineLogits,
  group: readonly Encoding[],
  batchInput: PipelineBatch,
  results: Float32Array[][],
): void {
  const { data, shape } = logits;
  const batch = group.length;
  const length = batchInput.input_ids[0]?.length ?? 0;
  if (shape.length === 3) {
    const [b, t, c] = shape as [number, number, number];
    if (b !== batch || t !== length) {
      throw new PipelineInputShapeError(
        `Model returned logits of shape [${shape.join(', ')}] for a batch of shape [${batch}, ${length}].`,
      );
    }
    group.forEach((encoding, i) => {
      const rows: Float32Array[] = [];
      for (let j = 0; j < encoding.length; j++)
        rows.push(data.subarray((i * t + j) * c, (i * t + j + 1) * c));
      results.push(rows);
    });
  } else if (shape.length === 2) {
    const [b, c] = shape as [number, number];
    if (b !== batch) {
      throw new PipelineInputShapeError(
        `Model returned logits of shape [${shape.join(', ')}] for ${batch} inputs.`,
      );
    }
    group.forEach((_, i) => {
      results.push([data.subarray(i * c, (i + 1) * c)]);
    });
  } else {
    throw new PipelineInputShapeError(`Model logits must be [B, T, C] or [B, C], got [${shape.join(', ')}].`);
  }
}
