// The model, optimizer and batch of the benches' bert-base-sized training step (cuda-bert-step.mjs,
// cuda-host-heap.mjs, and through peers/tfjs-backends.mjs the native ones): BertForTokenClassification with random weights (seed
// 1), @ner/trainer AdamW (lr 5e-5) over the Trainer's two weight-decay groups, and the fixed token
// batch the torch peers also read (peers/token-batch.mjs). The packages are passed in, since the
// benches load them from the repo's dist/ or from the GPU check's bundles.
import { benchTokenBatch } from './peers/token-batch.mjs';

/** bert-base-cased's sizes, with the 9 CoNLL-2003 labels. */
export const BERT_BASE = { hidden: 768, heads: 12, intermediate: 3072, vocab: 28996, labels: 9 };

/**
 * The model (random weights, seed 1) and its AdamW.
 * @param {{ models: any, trainer: any }} deps
 * @param {number} layers
 */
export function bertModelAndOptimizer({ models, trainer }, layers) {
  const config = new models.BertConfig({
    hiddenSize: BERT_BASE.hidden,
    numHiddenLayers: layers,
    numAttentionHeads: BERT_BASE.heads,
    intermediateSize: BERT_BASE.intermediate,
    vocabSize: BERT_BASE.vocab,
    numLabels: BERT_BASE.labels,
  });
  const model = models.AutoModelForTokenClassification.fromConfig(config, { seed: 1 });
  const optimizer = new trainer.AdamW(trainer.trainerParameterGroups(model, 0.01), { lr: 5e-5 });
  return { model, optimizer };
}

/**
 * The model, its AdamW and the batch as int32 tensors.
 * @param {{ models: any, trainer: any, tf: any }} deps
 * @param {{ layers: number, batchSize: number, length: number }} size
 */
export function bertTrainingSetup({ models, trainer, tf }, { layers, batchSize, length }) {
  const { model, optimizer } = bertModelAndOptimizer({ models, trainer }, layers);
  const raw = benchTokenBatch(batchSize, length, BERT_BASE.labels);
  const batch = {
    input_ids: tf.tensor2d(raw.inputIds, undefined, 'int32'),
    attention_mask: tf.tensor2d(raw.attentionMask, undefined, 'int32'),
    labels: tf.tensor2d(raw.labels, undefined, 'int32'),
  };
  return { model, optimizer, batch };
}
