// Text classification through @ner/models on the oracle's tiny sequence classifiers:
// the pipeline's scores must be the softmax / sigmoid of Python's logits for the same ids.
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Encoding } from '@ner/align';
import { AutoModelForSequenceClassification, entryToFloat32, readSafetensors } from '@ner/models';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LabelScore, type PipelineTokenizer, pipeline, type TextClassifier } from '../src/index.js';
import { fromNerModel } from '../src/internal.js';
import { wordPieceTraits } from './word-piece-traits.js';

interface Inputs {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
}

/** Encodes "text-N" as row N of the oracle batch (without its padding). */
function rowTokenizer(inputs: Inputs): PipelineTokenizer {
  return {
    ...wordPieceTraits({ unkTokenId: 1 }),
    padTokenId: 0,
    modelMaxLength: 64,
    encode(text: string | readonly string[]): Encoding {
      const row = Number((text as string).split('-')[1]);
      const n = inputs.attention_mask[row]!.filter(Boolean).length;
      const ids = inputs.input_ids[row]!.slice(0, n);
      return new Encoding({
        inputIds: ids,
        tokenStrings: ids.map((id) => `t${id}`),
        offsets: ids.map(() => [0, 0]),
        tokenTypeIds: inputs.token_type_ids[row]!.slice(0, n),
        attentionMask: ids.map(() => 1),
        specialTokensMask: ids.map((id) => (id === 2 || id === 3 ? 1 : 0)),
        wordIdList: ids.map(() => null),
        sequenceIdList: ids.map(() => 0),
      });
    },
  };
}

async function load(
  name: string,
): Promise<{ classify: TextClassifier; logits: Float32Array; labels: string[] }> {
  const dir = sharedPath('oracle', 'models', name);
  const inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) as Inputs;
  const model = await AutoModelForSequenceClassification.fromPretrained(dir);
  const classify = await pipeline('text-classification', {
    model: fromNerModel(model),
    tokenizer: rowTokenizer(inputs),
  });
  const outputs = await readSafetensors(join(dir, 'outputs.safetensors'));
  const logits = entryToFloat32(outputs.tensors.get('logits')!, 'logits');
  const labels = Object.values(model.config.id2label);
  return { classify, logits, labels };
}

const softmax = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};
const sigmoid = (row: number[]) => row.map((x) => 1 / (1 + Math.exp(-x)));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('pipeline("text-classification") on the oracle sequence classifiers', () => {
  it('single-label model: softmax by default, Python return shapes', async () => {
    const { classify, logits, labels } = await load('bert-seq-cls');
    const rows = [0, 1, 2].map((i) => Array.from(logits.slice(i * 3, i * 3 + 3)));
    const probs = rows.map(softmax);

    const legacy = (await classify('text-0')) as LabelScore[];
    const best = probs[0]!.indexOf(Math.max(...probs[0]!));
    expect(legacy).toHaveLength(1);
    expect(legacy[0]!.label).toBe(labels[best]);
    expect(legacy[0]!.score).toBeCloseTo(probs[0]![best]!, 5);

    const batch = (await classify(['text-0', 'text-1', 'text-2'], { batchSize: 2 })) as LabelScore[];
    expect(batch.map((r) => r.label)).toEqual(probs.map((p) => labels[p.indexOf(Math.max(...p))]));

    const all = (await classify('text-1', { topK: null })) as LabelScore[];
    const expected = labels
      .map((label, i) => ({ label, score: probs[1]![i]! }))
      .sort((a, b) => b.score - a.score);
    expect(all.map((r) => r.label)).toEqual(expected.map((r) => r.label));
    for (const [i, r] of all.entries()) expect(r.score).toBeCloseTo(expected[i]!.score, 5);

    const top2 = (await classify(['text-2'], { topK: 2 })) as LabelScore[][];
    expect(top2).toHaveLength(1);
    expect(top2[0]).toHaveLength(2);

    const raw = (await classify('text-2', { functionToApply: 'none', topK: null })) as LabelScore[];
    expect(Math.max(...raw.map((r) => r.score))).toBeCloseTo(Math.max(...rows[2]!), 4);
    classify.dispose();
  });

  it('multi-label model: sigmoid by default', async () => {
    const { classify, logits, labels } = await load('bert-seq-multilabel');
    const c = labels.length;
    const scores = (await classify('text-0', { topK: null })) as LabelScore[];
    const expected = sigmoid(Array.from(logits.slice(0, c)));
    for (const r of scores) expect(r.score).toBeCloseTo(expected[labels.indexOf(r.label)]!, 5);
    classify.dispose();
  });
});
