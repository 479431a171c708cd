// Typed access to ../shared/oracle/pipeline/cases.json (schema in the oracle README).
import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import { expect } from 'vitest';
import type { GroupedEntity, TokenEntity } from '../src/index.js';

export type OracleResult<T> = { value: T } | { error: { type: string; message: string } };
export type OracleEntity = TokenEntity | GroupedEntity;

export interface OracleEncoding {
  ids: number[];
  tokens: string[];
  offsets: [number, number][];
  type_ids: number[];
  attention_mask: number[];
  special_tokens_mask: number[];
  word_ids: (number | null)[];
}

export interface OracleSentence {
  id: string;
  text: string;
  encoding: OracleEncoding;
  model_logits: number[][];
  model_outputs: Record<string, OracleResult<OracleEntity[]>>;
  pre_entities: { word: string; start: number; end: number; index: number; is_subword: boolean }[];
  crafted: Record<
    string,
    {
      label_set: string;
      logits: number[][];
      outputs: Record<string, Record<string, OracleResult<OracleEntity[]>>>;
    }
  >;
}

export interface OracleStrideCase {
  text: string;
  model_max_length: number;
  stride: number;
  chunks: (OracleEncoding & { content_range: [number, number] })[];
  chunk_logits: number[][][];
  full_encoding: OracleEncoding;
  outputs: Record<string, OracleResult<OracleEntity[]>>;
}

export interface OracleCases {
  strategies: string[];
  label_sets: Record<string, string[]>;
  ignore_label_variants: Record<string, string[] | null>;
  sentences: OracleSentence[];
  stride_cases: OracleStrideCase[];
  sanitize_parameters: {
    name: string;
    kwargs: Record<string, unknown>;
    tokenizer_is_fast: boolean;
    model_max_length: number;
    result: OracleResult<{ preprocess: Record<string, unknown>; postprocess: Record<string, unknown> }>;
  }[];
}

export const oracleDir = sharedPath('oracle', 'pipeline');
export const oracle: OracleCases = JSON.parse(
  readFileSync(sharedPath('oracle', 'pipeline', 'cases.json'), 'utf8'),
);

/** Same entities in the same order: every field exact, scores within 1e-5. */
export function expectEntitiesToMatch(
  actual: readonly OracleEntity[],
  expected: readonly OracleEntity[],
  where: string,
) {
  const strip = (e: OracleEntity) => ({ ...e, score: 0 });
  expect(actual.map(strip), where).toEqual(expected.map(strip));
  actual.forEach((entity, i) => {
    expect(Math.abs(entity.score - expected[i]!.score), `${where} entity ${i} score`).toBeLessThanOrEqual(
      1e-5,
    );
  });
}
