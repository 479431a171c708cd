// The README's "manual path": tokenize, run the model, argmax, id2label (no pipeline).
import '@tensorflow/tfjs-backend-cpu';
import { Tokenizer } from '@ner/align';
import { AutoModelForTokenClassification } from '@ner/models';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { oracle } from './oracle-cases.js';

describe('manual path: tokenize → model → argmax → id2label', () => {
  it('labels every token like argmax over the oracle logits', async () => {
    await tf.setBackend('cpu');
    const tokenizer = await Tokenizer.fromPretrained(sharedPath('oracle', 'pipeline'));
    const model = await AutoModelForTokenClassification.fromPretrained(
      sharedPath('oracle', 'pipeline', 'model'),
    );

    const s = oracle.sentences[1]!; // "Hugging Face Inc. is a company based in New York City."
    const encoding = tokenizer.encode(s.text);
    const { logits } = model.forward({
      input_ids: [encoding.inputIds],
      attention_mask: [encoding.attentionMask],
      token_type_ids: [encoding.tokenTypeIds],
    });
    const argmax = tf.argMax(logits, -1);
    const predictions = (await argmax.array()) as number[][];
    const labels = predictions[0]!.map((id) => model.config.id2label[id]);
    tf.dispose([logits, argmax]);

    const expected = s.model_logits.map(
      (row) => s.encoding.tokens && model.config.id2label[row.indexOf(Math.max(...row))],
    );
    expect(encoding.tokens()).toEqual(s.encoding.tokens);
    expect(labels).toEqual(expected);
    model.dispose();
  });
});
