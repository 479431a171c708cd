import { Encoding } from '@ner/align';
import { describe, expect, it } from 'vitest';
import { PipelineInputShapeError } from './errors.js';
import type { PipelineBatch, PipelineLogits, PipelineModel } from './pipeline-interfaces.js';
import { runBatched } from './run-batched.js';

/** An encoding of `length` tokens whose ids are `first, first + 1, ...`. */
function encoding(first: number, length: number): Encoding {
  const ids = Array.from({ length }, (_, i) => first + i);
  return new Encoding({
    inputIds: ids,
    tokenTypeIds: ids.map(() => 0),
    attentionMask: ids.map(() => 1),
    specialTokensMask: ids.map(() => 0),
    offsets: ids.map(() => [0, 0] as [number, number]),
    tokenStrings: ids.map(String),
    wordIdList: ids.map((_, i) => i),
    sequenceIdList: ids.map(() => 0),
  });
}

/**
 * A token model whose logits are each token's id (1 class), settled a tick after the call; it
 * logs when each batch starts and settles. `fail`: the batch that rejects.
 */
function loggingModel(overlapsBatches: boolean, fail?: number) {
  const log: string[] = [];
  let calls = 0;
  const model: PipelineModel = {
    config: { id2label: { 0: 'O' }, numLabels: 1 },
    overlapsBatches,
    predict(batch: PipelineBatch): Promise<PipelineLogits> {
      const k = calls++;
      log.push(`start ${k}`);
      return new Promise((resolve, reject) =>
        setImmediate(() => {
          log.push(`done ${k}`);
          if (k === fail) reject(new Error(`batch ${k} failed`));
          const [b, t] = [batch.input_ids.length, batch.input_ids[0]!.length];
          resolve({ data: Float32Array.from(batch.input_ids.flat()), shape: [b, t, 1] });
        }),
      );
    },
  };
  return { model, log };
}

const encodings = [encoding(10, 2), encoding(20, 3), encoding(30, 1), encoding(40, 2), encoding(50, 2)];
const expected = encodings.map((e) => e.inputIds.map((id) => [id]));
const rows = (result: Float32Array[][]) => result.map((r) => r.map((row) => [...row]));

describe('runBatched', () => {
  it('a model that overlaps batches gets batch i + 1 before batch i settles; the results in order', async () => {
    const { model, log } = loggingModel(true);
    const result = await runBatched(model, encodings, 2, 0);
    expect(rows(result)).toEqual(expected);
    expect(log.indexOf('start 1')).toBeLessThan(log.indexOf('done 0'));
    expect(log.indexOf('start 2')).toBeLessThan(log.indexOf('done 1'));
    expect(log.filter((entry) => entry.startsWith('start'))).toHaveLength(3);
  });

  it('any other model runs one batch at a time', async () => {
    const { model, log } = loggingModel(false);
    const result = await runBatched(model, encodings, 2, 0);
    expect(rows(result)).toEqual(expected);
    expect(log).toEqual(['start 0', 'done 0', 'start 1', 'done 1', 'start 2', 'done 2']);
  });

  it('a batch that fails: its error surfaces once the batch started ahead of it has settled', async () => {
    const { model, log } = loggingModel(true, 1);
    await expect(runBatched(model, encodings, 2, 0)).rejects.toThrow('batch 1 failed');
    expect(log).toContain('done 2');
  });

  it('logits of the wrong shape: the error names them; a one-at-a-time model gets no further batch', async () => {
    const log: string[] = [];
    const model: PipelineModel = {
      config: { id2label: { 0: 'O' }, numLabels: 1 },
      predict(batch) {
        log.push('predict');
        return { data: new Float32Array(3), shape: [batch.input_ids.length, 99, 1] };
      },
    };
    await expect(runBatched(model, encodings, 2, 0)).rejects.toThrow(PipelineInputShapeError);
    await expect(runBatched(model, encodings, 2, 0)).rejects.toThrow(
      /logits of shape \[2, 99, 1\] for a batch of shape \[2, 3\]/,
    );
    expect(log).toEqual(['predict', 'predict']);
  });
});
