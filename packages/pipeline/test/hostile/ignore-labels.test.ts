// Issue 14, item 9: `ignoreLabels: 'O'` (a string) was accepted and tested with
// String.includes, i.e. substring matching: `'LOC'` also dropped every `O`. A
// string now means a one-label list; other types are rejected.

import { Tokenizer } from '@ner/align';
import { describe, expect, it } from 'vitest';
import {
  InvalidPipelineOptionError,
  type PipelineBatch,
  type PipelineLogits,
  type PipelineModel,
  TokenClassificationPipeline,
} from '../../src/index.js';

const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'Ada', 'lives', 'in', 'Paris'];
/** The label each token id gets the highest score for. */
const LABEL_OF_ID = [0, 0, 0, 0, 1, 0, 0, 3];

/** A BERT tokenizer over that vocabulary: the words of the test text are one token each. */
class SpaceTokenizer extends Tokenizer {
  constructor() {
    super({
      vocab: new Map(VOCAB.map((token, id) => [token, id])),
      normalizer: { cleanText: true, handleChineseChars: true, stripAccents: false, lowercase: false },
      unkToken: '[UNK]',
      clsToken: '[CLS]',
      sepToken: '[SEP]',
      padToken: '[PAD]',
      maskToken: '[MASK]',
      continuingSubwordPrefix: '##',
      maxInputCharsPerWord: 100,
      modelMaxLength: 32,
    });
  }
}

/** Logit 4 for the token's label, 0 elsewhere. */
class FixedModel implements PipelineModel {
  readonly config = { id2label: LABELS, numLabels: LABELS.length };
  predict(batch: PipelineBatch): PipelineLogits {
    const b = batch.input_ids.length;
    const t = batch.input_ids[0]!.length;
    const c = LABELS.length;
    const data = new Float32Array(b * t * c);
    batch.input_ids.forEach((ids, i) => {
      ids.forEach((id, j) => {
        data[(i * t + j) * c + LABEL_OF_ID[id]!] = 4;
      });
    });
    return { data, shape: [b, t, c] };
  }
}

const text = 'Ada lives in Paris';
const ner = () => new TokenClassificationPipeline(new FixedModel(), new SpaceTokenizer());
const groups = (entities: unknown) =>
  (entities as { entity_group: string; word: string }[]).map((e) => [e.entity_group, e.word]);

describe('ignoreLabels given as a string', () => {
  it("'LOC' drops exactly the LOC group, like ['LOC'], and keeps the O group", async () => {
    const fromString = await ner().run(text, { aggregationStrategy: 'simple', ignoreLabels: 'LOC' });
    const fromList = await ner().run(text, { aggregationStrategy: 'simple', ignoreLabels: ['LOC'] });
    expect(groups(fromString)).toEqual([
      ['PER', 'Ada'],
      ['O', 'lives in'],
    ]);
    expect(fromString).toEqual(fromList);
  });

  it("'O' as a pipeline default gives the default output (O tokens dropped, entities kept)", async () => {
    const pipe = new TokenClassificationPipeline(new FixedModel(), new SpaceTokenizer(), {
      aggregationStrategy: 'simple',
      ignoreLabels: 'O',
    });
    const output = await pipe.run(text);
    expect(groups(output)).toEqual([
      ['PER', 'Ada'],
      ['LOC', 'Paris'],
    ]);
    expect(output).toEqual(await ner().run(text, { aggregationStrategy: 'simple' }));
  });

  it("'I-LOC' with strategy none drops only I-LOC tokens, not the O tokens its letters contain", async () => {
    const tokens = (await ner().run(text, { ignoreLabels: 'I-LOC' })) as { entity: string; word: string }[];
    // Substring matching ('I-LOC'.includes('O')) dropped every O token.
    expect(tokens.map((e) => [e.entity, e.word])).toEqual([
      ['B-PER', 'Ada'],
      ['O', 'lives'],
      ['O', 'in'],
      ['B-LOC', 'Paris'],
    ]);
  });
});

describe('ignoreLabels of the wrong type', () => {
  it('an entry that is not a string is rejected with its index', async () => {
    const options = { ignoreLabels: ['O', 7] as unknown as string[] };
    await expect(ner().run(text, options)).rejects.toThrow(InvalidPipelineOptionError);
    await expect(ner().run(text, options)).rejects.toThrow(
      '`ignoreLabels[1]` must be a label string, got number 7.',
    );
  });

  it('a Set or a number is rejected naming what was expected', async () => {
    const set = { ignoreLabels: new Set(['O']) as unknown as string[] };
    await expect(ner().run(text, set)).rejects.toThrow(
      '`ignoreLabels` must be a label or an array of labels (strings), got Set.',
    );
    const number = { ignoreLabels: 0 as unknown as string[] };
    await expect(ner().run(text, number)).rejects.toThrow(InvalidPipelineOptionError);
  });
});
