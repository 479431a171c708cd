import { PipelineInputShapeError } from './errors.js';
import type { PipelineModel } from './pipeline-interfaces.js';
import { type PadToken, type PipelineEncoding, padEncodings } from './windows.js';

/**
 * Runs the model over encodings in batches of `batchSize`, each batch padded to
 * its longest member (the attention mask hides the padding), and returns every
 * encoding's logits cut back to its own length: token models give `[T][C]`
 * rows, sequence models a single `[C]` row (wrapped as `[[C]]`).
 */
export async function runBatched(
  model: PipelineModel,
  encodings: readonly PipelineEncoding[],
  batchSize: number,
  pad: PadToken,
): Promise<Float32Array[][]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new PipelineInputShapeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  const results: Float32Array[][] = [];
  for (let from = 0; from < encodings.length; from += batchSize) {
    const group = encodings.slice(from, from + batchSize);
    const padded = padEncodings(group, pad);
    const logits = await model.predict({
      inputIds: padded.map((e) => e.ids),
      attentionMask: padded.map((e) => e.attentionMask),
      tokenTypeIds: padded.map((e) => e.typeIds),
    });
    const { data, shape } = logits;
    const batch = group.length;
    const length = padded[0]?.ids.length ?? 0;
    if (shape.length === 3) {
      const [b, t, c] = shape as [number, number, number];
      if (b !== batch || t !== length) {
        throw new PipelineInputShapeError(
          `Model returned logits of shape [${shape.join(', ')}] for a batch of shape [${batch}, ${length}].`,
        );
      }
      group.forEach((encoding, i) => {
        const rows: Float32Array[] = [];
        for (let j = 0; j < encoding.ids.length; j++)
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
      throw new PipelineInputShapeError(
        `Model logits must be [B, T, C] or [B, C], got [${shape.join(', ')}].`,
      );
    }
  }
  return results;
}
