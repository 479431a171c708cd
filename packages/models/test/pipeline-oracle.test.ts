// A second oracle on every backend: the pipeline fixtures' BertForTokenClassification (vocab 378,
// 9 CoNLL labels, classifier bias [1.5, 0, ...]) and the logits Python computed for each sentence's
// encoding.
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoModelForTokenClassification } from '../src/index.js';
import { ORACLE_BACKENDS, restoreCpu, useBackend } from './backends.js';
import { worstError } from './oracle.js';

interface Sentence {
  id: string;
  encoding: { ids: number[]; type_ids: number[]; attention_mask: number[] };
  model_logits: number[][];
}

const cases = JSON.parse(readFileSync(sharedPath('oracle', 'pipeline', 'cases.json'), 'utf8')) as {
  label_sets: { conll9: string[] };
  sentences: Sentence[];
};

afterAll(restoreCpu);

it('the fixture has 16 sentences with logits for every token', () => {
  expect(cases.sentences).toHaveLength(16);
  for (const sentence of cases.sentences)
    expect(sentence.model_logits).toHaveLength(sentence.encoding.ids.length);
});

describe.each(ORACLE_BACKENDS)('pipeline oracle on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('matches Python logits for every pipeline sentence', async () => {
    const model = await AutoModelForTokenClassification.fromPretrained(
      sharedPath('oracle', 'pipeline', 'model'),
    );
    expect(model.config.id2label).toEqual({ ...cases.label_sets.conll9 });
    const comparedIds: string[] = [];
    let comparedRows = 0;
    for (const sentence of cases.sentences) {
      const { ids, type_ids, attention_mask } = sentence.encoding;
      const output = model.forward({
        input_ids: [ids],
        token_type_ids: [type_ids],
        attention_mask: [attention_mask],
      });
      expect(output.logits.shape, sentence.id).toEqual([1, ids.length, 9]);
      const { ratio, maxAbs } = worstError(
        output.logits.dataSync(),
        sentence.model_logits.flat(),
        1e-4,
        1e-5,
      );
      expect(ratio, `${sentence.id}: max abs ${maxAbs}`).toBeLessThanOrEqual(1);
      output.logits.dispose();
      comparedIds.push(sentence.id);
      comparedRows += output.logits.shape[1]!;
    }
    // Counted from what was compared, checked against the fixture's own sentences and token counts.
    expect(comparedIds).toEqual(cases.sentences.map((sentence) => sentence.id));
    expect(comparedRows).toBe(
      cases.sentences.reduce((sum, sentence) => sum + sentence.model_logits.length, 0),
    );
    model.dispose();
  });
});
