// Test doubles that replay the oracle: the oracle's own tokenizer files (run by @ner/align, whose
// encodings are checked against the oracle's) and a model that returns the oracle's logits for
// those token ids.
import { type Encoding, Tokenizer } from '@ner/align';
import { expect } from 'vitest';
import type { PipelineBatch, PipelineLogits, PipelineModel } from '../src/index.js';
import { type OracleEncoding, oracle, oracleDir } from './oracle-cases.js';

/** An align encoding in the oracle's field names (offsets unchanged: the oracle texts are BMP only). */
export const toOracleEncoding = (e: Encoding): OracleEncoding => ({
  ids: e.inputIds,
  tokens: e.tokens(),
  offsets: e.offsets.map(([s, t]): [number, number] => [s, t]),
  type_ids: e.tokenTypeIds,
  attention_mask: e.attentionMask,
  special_tokens_mask: e.specialTokensMask,
  word_ids: e.wordIds(),
});

/** Only the fields an encoding has (the oracle's chunks also carry `content_range`). */
export const encodingFields = (e: OracleEncoding): OracleEncoding => ({
  ids: e.ids,
  tokens: e.tokens,
  offsets: e.offsets,
  type_ids: e.type_ids,
  attention_mask: e.attention_mask,
  special_tokens_mask: e.special_tokens_mask,
  word_ids: e.word_ids,
});

/**
 * The oracle folder's tokenizer (`model_max_length` 64 unless given, as the
 * replayed fixtures assume), after checking it encodes every oracle sentence and
 * stride text exactly as the oracle recorded: the pipeline then sees the
 * oracle's encodings.
 */
export async function oracleTokenizer(modelMaxLength = 64): Promise<Tokenizer> {
  const tokenizer = await Tokenizer.fromPretrained(oracleDir, { modelMaxLength });
  for (const s of oracle.sentences)
    expect(toOracleEncoding(tokenizer.encode(s.text)), s.id).toEqual(s.encoding);
  for (const c of oracle.stride_cases)
    expect(toOracleEncoding(tokenizer.encode(c.text)), c.text).toEqual(c.full_encoding);
  return tokenizer;
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
    const b = batch.input_ids.length;
    const t = batch.input_ids[0]!.length;
    const c = this.config.numLabels;
    this.batches.push(b);
    const data = new Float32Array(b * t * c);
    batch.input_ids.forEach((ids, i) => {
      const key = ids.filter((_, j) => batch.attention_mask[i]![j]).join(',');
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
    const b = batch.input_ids.length;
    const t = batch.input_ids[0]!.length;
    const data = new Float32Array(b * t * 9);
    batch.input_ids.forEach((ids, i) => {
      ids.forEach((id, j) => {
        for (let k = 0; k < 9; k++) data[(i * t + j) * 9 + k] = Math.fround(Math.sin(id * 7.1 + k * 1.3) * 3);
      });
    });
    return { data, shape: [b, t, 9] };
  }
}
