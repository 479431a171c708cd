import type { SequenceClassificationModel, TokenClassificationModel } from '@ner/models';
import type { PipelineBatch, PipelineLogits, PipelineModel } from './pipeline-interfaces.js';

/** An `@ner/models` head model (BERT or DistilBERT, token or sequence classification). */
export type NerModel = TokenClassificationModel | SequenceClassificationModel;

/** Whether `value` looks like an `@ner/models` model: a config with labels and a `forward`. */
export function isNerModel(value: object): value is NerModel {
  const candidate = value as Partial<NerModel>;
  return (
    typeof candidate.forward === 'function' &&
    typeof candidate.config === 'object' &&
    candidate.config !== null &&
    'id2label' in candidate.config
  );
}

function flat(rows: number[][]): { data: Int32Array; shape: [number, number] } {
  const b = rows.length;
  const t = rows[0]?.length ?? 0;
  const data = new Int32Array(b * t);
  rows.forEach((row, i) => {
    data.set(row, i * t);
  });
  return { data, shape: [b, t] };
}

/**
 * Wraps an `@ner/models` model for the pipeline: batches go in as int32 arrays,
 * the model runs in eval mode (no dropout), and the logits come back as a
 * Float32Array; every tensor of the forward pass is disposed. `predict` queues
 * the forward and the read of its logits before it first awaits, so calls may
 * overlap (`overlapsBatches`).
 */
export function fromNerModel(model: NerModel): PipelineModel {
  const config = model.config;
  const usesTokenTypeIds = config.modelType === 'bert';
  const maxPositionEmbeddings = (config as { maxPositionEmbeddings?: number }).maxPositionEmbeddings;
  return {
    config: {
      id2label: config.id2label,
      numLabels: config.numLabels,
      problemType: config.problemType,
      usesTokenTypeIds,
      ...(maxPositionEmbeddings === undefined ? {} : { maxPositionEmbeddings }),
    },
    overlapsBatches: true,
    async predict(batch: PipelineBatch): Promise<PipelineLogits> {
      const output = model.forward(
        {
          input_ids: flat(batch.input_ids),
          attention_mask: flat(batch.attention_mask),
          ...(usesTokenTypeIds ? { token_type_ids: flat(batch.token_type_ids) } : {}),
        },
        { training: false, outputHiddenStates: false, outputAttentions: false },
      );
      try {
        const data = (await output.logits.data()) as Float32Array;
        return { data, shape: [...output.logits.shape] };
      } finally {
        output.logits.dispose();
        output.loss?.dispose();
        for (const t of output.hiddenStates ?? []) t.dispose();
        for (const t of output.attentions ?? []) t.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}
