// A second oracle: the pipeline fixtures' BertForTokenClassification (vocab 378, 9 CoNLL labels) and the
// logits Python computed for each sentence's encoding.
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { AutoModelForTokenClassification } from '../src/index.js';
import { worstError } from './oracle.js';

interface Sentence {
  id: string;
  encoding: { ids: number[]; type_ids: number[]; attention_mask: number[] };
  model_logits: number[][];
}

it('matches Python logits for every pipeline sentence', async () => {
  await tf.setBackend('cpu');
  const cases = JSON.parse(readFileSync(sharedPath('oracle', 'pipeline', 'cases.json'), 'utf8')) as {
    sentences: Sentence[];
  };
  const model = await AutoModelForTokenClassification.fromPretrained(
    sharedPath('oracle', 'pipeline', 'model'),
  );
  expect(model.config.id2label[1]).toBe('B-MISC');
  let checked = 0;
  for (const sentence of cases.sentences) {
    const { ids, type_ids, attention_mask } = sentence.encoding;
    const output = model.forward({
      inputIds: [ids],
      tokenTypeIds: [type_ids],
      attentionMask: [attention_mask],
    });
    const { ratio, maxAbs } = worstError(output.logits.dataSync(), sentence.model_logits.flat(), 1e-4, 1e-5);
    expect(ratio, `${sentence.id}: max abs ${maxAbs}`).toBeLessThanOrEqual(1);
    output.logits.dispose();
    checked += 1;
  }
  expect(checked).toBe(cases.sentences.length);
  model.dispose();
});
