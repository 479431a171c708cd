// Test doubles that replay the oracle: a tokenizer that returns the oracle's
// encodings and a model that returns the oracle's logits for those token ids.
import type { OracleEncoding } from './oracle-cases.js';
import {
  type PipelineBatch,
  type PipelineEncoding,
  type PipelineLogits,
  type PipelineModel,
  type PipelineTokenizer,
  wordPieceTraits,
} from '../src/index.js';

export const toPipelineEncoding = (e: OracleEncoding): PipelineEncoding => ({
  ids: e.ids,
  tokens: e.tokens,
  offsets: e.offsets,
  typeIds: e.type_ids,
  attentionMask: e.attention_mask,
  specialTokensMask: e.special_tokens_mask,
  wordIds: e.word_ids,
});

export class ReplayTokenizer implements PipelineTokenizer {
  readonly traits = wordPieceTraits({ unkTokenId: 1 });
  readonly pad = { id: 0, token: '[PAD]' };
  constructor(
    private readonly encodings: Map<string, PipelineEncoding>,
    readonly modelMaxLength = 64,
  ) {}
  encodeText(text: string): PipelineEncoding {
    const e = this.encodings.get(text);
    if (!e) throw new Error(`no oracle encoding for ${JSON.stringify(text)}`);
    return e;
  }
}

/** Looks logits up by the unpadded ids of each row. */
export class ReplayModel implements PipelineModel {
  readonly config;
  batches: number[] = [];
  constructor(
    private readonly logits: Map<string, number[][]>,
    id2label: string[],
  ) {
    this.config = { id2label, numLabels: id2label.length };
  }
  predict(batch: PipelineBatch): PipelineLogits {
    const b = batch.inputIds.length;
    const t = batch.inputIds[0]!.length;
    const c = this.config.numLabels;
    this.batches.push(b);
    const data = new Float32Array(b * t * c);
    batch.inputIds.forEach((ids, i) => {
      const key = ids.filter((_, j) => batch.attentionMask[i]![j]).join(',');
      const rows = this.logits.get(key);
      if (!rows) throw new Error(`no oracle logits for ids ${key}`);
      rows.forEach((row, j) => {
        data.set(row, (i * t + j) * c);
      });
    });
    return { data, shape: [b, t, c] };
  }
}

/** Logits that depend on the token id only, so any windowing sees the same per-token scores. */
export class PerTokenModel implements PipelineModel {
  readonly config = {
    id2label: ['O', 'B-MISC', 'I-MISC', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC'],
    numLabels: 9,
  };
  predict(batch: PipelineBatch): PipelineLogits {
    const b = batch.inputIds.length;
    const t = batch.inputIds[0]!.length;
    const data = new Float32Array(b * t * 9);
    batch.inputIds.forEach((ids, i) => {
      ids.forEach((id, j) => {
        for (let k = 0; k < 9; k++) data[(i * t + j) * 9 + k] = Math.fround(Math.sin(id * 7.1 + k * 1.3) * 3);
      });
    });
    return { data, shape: [b, t, 9] };
  }
}
