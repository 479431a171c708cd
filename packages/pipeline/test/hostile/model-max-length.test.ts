// Issue 16: the "no limit" sentinel of tokenizer_config.json's model_max_length was read in two
// places with two thresholds (align: >= 1e9 meant no limit; pipeline: >= 1e29). It is now read once,
// by @ner/align, with transformers' rule: above LARGE_INTEGER (1e20) there is no limit, and
// Python's int(1e30) is what a tokenizer without one reports.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer, VERY_LARGE_INTEGER } from '@ner/align';
import { sharedPath } from '@ner/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenClassificationPipeline } from '../../src/index.js';
import { PerTokenModel } from '../fakes.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The oracle tokenizer with a tokenizer_config.json whose model_max_length is written as `literal`. */
async function tokenizerWith(literal: string): Promise<Tokenizer> {
  const dir = mkdtempSync(join(tmpdir(), 'ner-pipeline-max-length-'));
  made.push(dir);
  symlinkSync(sharedPath('oracle', 'pipeline', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  writeFileSync(join(dir, 'tokenizer_config.json'), `{"model_max_length": ${literal}}`);
  return Tokenizer.fromPretrained(dir);
}

/** A model with 64 position embeddings, so the tokenizer's limit shows when it is smaller. */
class SixtyFourPositions extends PerTokenModel {
  override readonly config = { ...new PerTokenModel().config, maxPositionEmbeddings: 64 };
}

const maxLengthWith = async (literal: string) =>
  new TokenClassificationPipeline(new SixtyFourPositions(), await tokenizerWith(literal)).maxLength;

describe('model_max_length sentinels', () => {
  it("Python's int(1e30) is no limit: the position embeddings decide", async () => {
    const tokenizer = await tokenizerWith('1000000000000000019884624838656');
    expect(tokenizer.modelMaxLength).toBe(VERY_LARGE_INTEGER);
    expect(await maxLengthWith('1000000000000000019884624838656')).toBe(64);
  });

  it('1e25 (above LARGE_INTEGER, below the old pipeline threshold of 1e29) is no limit either', async () => {
    expect(await maxLengthWith('1e25')).toBe(64);
  });

  it('1e12 (above the old align threshold of 1e9) is a limit, capped by the positions', async () => {
    expect((await tokenizerWith('1000000000000')).modelMaxLength).toBe(1e12);
    expect(await maxLengthWith('1000000000000')).toBe(64);
  });

  it('a real limit below the positions wins, and long texts are read in windows of it', async () => {
    expect(await maxLengthWith('16')).toBe(16);
    const ner = new TokenClassificationPipeline(new SixtyFourPositions(), await tokenizerWith('16'));
    const text = 'a b c d e f g h i j k l m n o p q r s t u v w x y z';
    const tokens = (await ner.run(text, { ignoreLabels: [] })) as { word: string; index: number }[];
    expect(tokens.map((t) => t.word).join(' ')).toBe(text);
    expect(tokens.map((t) => t.index)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
  });
});
