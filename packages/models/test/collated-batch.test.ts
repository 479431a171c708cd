// The collator's batch goes into the model as it is: Python's keys, host tensors, dtypes kept.
import '@tensorflow/tfjs-backend-cpu';
import { DataCollatorForTokenClassification, DataCollatorWithPadding, HostTensor } from '@ner/collate';
import { tinyBertSizes } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BertConfig,
  BertForSequenceClassification,
  BertForTokenClassification,
  InputError,
} from '../src/index.js';

const config = (numLabels: number) => new BertConfig({ ...tinyBertSizes(1), numLabels });

const rows = [
  {
    input_ids: [2, 5, 9, 3],
    token_type_ids: [0, 0, 0, 0],
    attention_mask: [1, 1, 1, 1],
    labels: [-100, 0, 1, -100],
  },
  { input_ids: [2, 7, 3], token_type_ids: [0, 0, 0], attention_mask: [1, 1, 1], labels: [-100, 2, -100] },
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('collated batches', () => {
  it('DataCollatorForTokenClassification output is a forward input with no renaming', () => {
    const model = new BertForTokenClassification(config(3), { seed: 1 });
    const batch = new DataCollatorForTokenClassification({ padTokenId: 0 }).collate(rows);
    const asTensors = {
      input_ids: tf.tensor2d([...batch.input_ids.data], [2, 4], 'int32'),
      attention_mask: tf.tensor2d([...batch.attention_mask!.data], [2, 4], 'int32'),
      token_type_ids: tf.tensor2d([...batch.token_type_ids!.data], [2, 4], 'int32'),
      labels: tf.tensor2d([...batch.labels!.data], [2, 4], 'int32'),
    };
    const fromHost = model.forward(batch);
    const fromTensors = model.forward(asTensors);
    expect(fromHost.logits.shape).toEqual([2, 4, 3]);
    expect(fromHost.loss!.dataSync()[0]).toBeCloseTo(fromTensors.loss!.dataSync()[0]!, 6);
    expect([...fromHost.logits.dataSync()]).toEqual([...fromTensors.logits.dataSync()]);
    tf.dispose([fromHost, fromTensors, asTensors] as unknown as tf.TensorContainer);
    model.dispose();
  });

  it('a float32 host tensor of whole numbers stays float: regression, as Python decides by dtype', () => {
    const regressionConfig = config(1);
    const model = new BertForSequenceClassification(regressionConfig);
    const collator = new DataCollatorWithPadding({ padTokenId: 0 });
    const batch = collator.collate(rows.map(({ labels: _, ...row }) => row));
    const labels = new HostTensor(new Float32Array([1, 0]), [2], 'float32');
    model.computeLoss({ ...batch, labels }).dispose();
    expect(model.config.problemType).toBe('regression');
    model.dispose();
  });

  it('refuses the camelCase batch of earlier releases, naming the keys to use', () => {
    const model = new BertForTokenClassification(config(3), { seed: 1 });
    const camel = { inputIds: [[2, 5, 9, 3]], attentionMask: [[1, 1, 1, 0]] } as never;
    expect(() => model.forward(camel)).toThrow(InputError);
    expect(() => model.forward(camel)).toThrow(
      /no input_ids \(keys: inputIds, attentionMask\); expected Python's keys input_ids, attention_mask, token_type_ids, labels\. camelCase keys are no longer read: rename inputIds → input_ids/,
    );
    expect(() => model.computeLoss(camel)).toThrow(InputError);
    model.dispose();
  });

  it("refuses forward options it does not take, as Python's forward() does, leaking nothing", () => {
    const model = new BertForTokenClassification(config(3), { seed: 1 });
    const batch = { input_ids: [[2, 5, 9, 3]] };
    const before = tf.memory().numTensors;
    expect(() => model.forward(batch, { output_attentions: true } as object)).toThrow(
      "forward: output_attentions: unknown option; that is Python's spelling, here it is outputAttentions",
    );
    expect(() => model.forward(batch, { labels: [[0, 1, 2, 0]] } as object)).toThrow(
      'forward: labels: unknown option; the labels go in the batch',
    );
    expect(() => model.forward(batch, { returnDict: false } as object)).toThrow(
      /^forward: returnDict: not supported here: the output is always an object/,
    );
    expect(tf.memory().numTensors).toBe(before);
    const output = model.forward(batch, { outputAttentions: true, returnDict: true } as object);
    expect(output.attentions).toHaveLength(1);
    tf.dispose(output as never);
    model.dispose();
  });

  it('names the missing key when the batch has no input_ids', () => {
    const model = new BertForTokenClassification(config(3));
    expect(() => model.forward({ ids: [[2, 3]] } as never)).toThrow(/no input_ids \(keys: ids\)/);
    model.dispose();
  });
});
