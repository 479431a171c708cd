// Typed access to ../shared/oracle/pipeline/cases.json (schema in the oracle README).
import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import { expect } from 'vitest';
import {
  type GroupedEntity,
  type PipelineSource,
  pipeline,
  type TokenClassifier,
  type TokenEntity,
} from '../src/index.js';

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
/** The oracle's tiny BERT checkpoint (config.json + model.safetensors); its tokenizer is in {@link oracleDir}. */
export const oracleModelDir = sharedPath('oracle', 'pipeline', 'model');

/** `pipeline('ner')` on the oracle's model and tokenizer; `source` replaces either. */
export function oracleNer(source: Partial<PipelineSource> = {}): Promise<TokenClassifier> {
  return pipeline('ner', { model: oracleModelDir, tokenizer: oracleDir, ...source });
}
export const oracle: OracleCases = JSON.parse(
  readFileSync(sharedPath('oracle', 'pipeline', 'cases.json'), 'utf8'),
);

/**
 * How many cases cases.json holds (sentences with model logits, stride texts, _sanitize_parameters
 * calls) and the aggregation strategies each sentence has Python outputs for. Oracle tests check
 * that they compared exactly these, so a truncated fixture or a skipped case cannot pass unseen.
 */
export const FIXTURE_COUNTS = { sentences: 16, strideCases: 2, sanitizeParameters: 13, strategies: 5 };

/** Same entities in the same order: every field exact, scores within 1e-5. Returns how many. */
export function expectEntitiesToMatch(
  actual: readonly OracleEntity[],
  expected: readonly OracleEntity[],
  where: string,
): number {
  const strip = (e: OracleEntity) => ({ ...e, score: 0 });
  expect(actual.map(strip), where).toEqual(expected.map(strip));
  actual.forEach((entity, i) => {
    expect(Math.abs(entity.score - expected[i]!.score), `${where} entity ${i} score`).toBeLessThanOrEqual(
      1e-5,
    );
  });
  return actual.length;
}

/** The entities Python gave for `strategy` (the oracle holds no errors for real sentences). */
export function modelOutputsOf(sentence: OracleSentence, strategy: string): OracleEntity[] {
  const expected = sentence.model_outputs[strategy];
  if (!expected || !('value' in expected))
    throw new Error(`no oracle entities for ${sentence.id}/${strategy}`);
  return expected.value;
}

/**
 * One output per oracle sentence, each equal to Python's for `strategy`; checks
 * that every sentence and every entity Python gave was compared.
 */
export function expectModelOutputs(outputs: readonly (readonly OracleEntity[])[], strategy: string): void {
  expect(outputs).toHaveLength(FIXTURE_COUNTS.sentences);
  let entities = 0;
  oracle.sentences.forEach((s, i) => {
    entities += expectEntitiesToMatch(outputs[i]!, modelOutputsOf(s, strategy), `${s.id}/${strategy}`);
  });
  expect(entities).toBe(oracle.sentences.reduce((sum, s) => sum + modelOutputsOf(s, strategy).length, 0));
}
