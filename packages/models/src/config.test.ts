import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import { describe, expect, it } from 'vitest';
import { BertConfig } from './bert/config.js';
import { DistilBertConfig } from './distilbert/config.js';
import { AutoConfig } from './auto.js';
import { ConfigError } from './errors.js';
import { applyConfigOverrides, configFromDict } from './load-pretrained.js';

const ORACLE_MODELS = [
  'bert-token-cls',
  'distilbert-token-cls',
  'bert-seq-cls',
  'bert-seq-regression',
  'bert-seq-multilabel',
];

describe('config.json round trip', () => {
  it.each(ORACLE_MODELS)('%s: re-serialises to the exact bytes Python wrote', (name) => {
    const path = sharedPath('oracle', 'models', name, 'config.json');
    const text = readFileSync(path, 'utf8');
    const config = configFromDict(JSON.parse(text), path);
    expect(config.toJSONString()).toBe(text.endsWith('\n') ? text : `${text}\n`);
  });

  it('reads id2label keys as integers and derives num_labels', () => {
    const path = sharedPath('oracle', 'models', 'bert-token-cls', 'config.json');
    const config = configFromDict(JSON.parse(readFileSync(path, 'utf8')), path) as BertConfig;
    expect(config).toBeInstanceOf(BertConfig);
    expect(config.numLabels).toBe(5);
    expect(config.id2label[3]).toBe('B-LOC');
    expect(config.label2id['I-LOC']).toBe(4);
    expect(config.hiddenSize).toBe(32);
    expect(config.layerNormEps).toBe(1e-12);
    expect(config.classifierDropout).toBeNull();
  });

  it('keeps unknown keys and writes them back', () => {
    const config = configFromDict(
      { model_type: 'bert', gradient_checkpointing: false, custom: { a: 1 } },
      'c.json',
    );
    expect(config.toJSON()).toMatchObject({ gradient_checkpointing: false, custom: { a: 1 } });
  });

  it('omits default LABEL_0/LABEL_1 labels like to_diff_dict, writes other labels sorted by id', () => {
    expect(new BertConfig().toJSON()).not.toHaveProperty('id2label');
    const labels = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [i, `L${i}`]));
    const text = new BertConfig({ id2label: labels }).toJSONString();
    expect(text.indexOf('"2": "L2"')).toBeLessThan(text.indexOf('"10": "L10"'));
  });

  it('distilbert fields and attribute map', () => {
    const config = new DistilBertConfig({ dim: 64, nHeads: 4, nLayers: 3 });
    expect(config.hiddenSize).toBe(64);
    expect(config.numAttentionHeads).toBe(4);
    expect(config.toJSON()).toMatchObject({
      dim: 64,
      n_heads: 4,
      n_layers: 3,
      seq_classif_dropout: 0.2,
      model_type: 'distilbert',
    });
  });

  it('rejects unsupported model types and wrong field types', () => {
    expect(() => configFromDict({ model_type: 'roberta' }, 'x/config.json')).toThrow(
      /model_type "roberta" is not supported/,
    );
    expect(() => configFromDict({ model_type: 'bert', hidden_size: '32' }, 'x/config.json')).toThrow(
      /x\/config.json: "hidden_size" must be an integer/,
    );
    expect(() => configFromDict({ model_type: 'bert', id2label: { a: 'O' } }, 'c.json')).toThrow(ConfigError);
  });
});

describe('label overrides (from_pretrained kwargs)', () => {
  it('numLabels resets labels to LABEL_i when the count changes', () => {
    const config = new BertConfig();
    applyConfigOverrides(config, { numLabels: 3 });
    expect(config.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
    expect(config.label2id).toEqual({ LABEL_0: 0, LABEL_1: 1, LABEL_2: 2 });
  });

  it('id2label with string keys and derived label2id', () => {
    const config = new BertConfig();
    applyConfigOverrides(config, { id2label: { '0': 'O', '1': 'B-PER' } });
    expect(config.numLabels).toBe(2);
    expect(config.label2id).toEqual({ O: 0, 'B-PER': 1 });
  });

  it('numLabels and an id2label of another size contradict each other', () => {
    expect(() => applyConfigOverrides(new BertConfig(), { numLabels: 3, id2label: { 0: 'O' } })).toThrow(
      /You passed along `num_labels=3` with an incompatible id to label map/,
    );
  });

  it('validates the architecture', () => {
    expect(() => new BertConfig({ hiddenSize: 30, numAttentionHeads: 4 }).validate()).toThrow(
      'The hidden size (30) is not a multiple of the number of attention heads (4)',
    );
  });
});

describe('config constructor option names', () => {
  it("refuses Python's spelling, which would build the default-sized model", () => {
    expect(() => new BertConfig({ num_labels: 5 } as object)).toThrow(ConfigError);
    expect(() => new BertConfig({ num_labels: 5 } as object)).toThrow(
      "BertConfig: num_labels: unknown option; that is Python's spelling, here it is numLabels",
    );
    expect(() => new BertConfig({ hidden_size: 64 } as object)).toThrow(/here it is hiddenSize$/);
    expect(() => new DistilBertConfig({ n_layers: 2 } as object)).toThrow(
      "DistilBertConfig: n_layers: unknown option; that is Python's spelling, here it is nLayers",
    );
  });

  it('names the closest field for a typo, and where keys of your own go', () => {
    expect(() => new BertConfig({ numHiddenLayer: 2 } as object)).toThrow(
      'BertConfig: numHiddenLayer: unknown option; did you mean numHiddenLayers?',
    );
    expect(() => new DistilBertConfig({ hidenDim: 64 } as object)).toThrow(
      /^DistilBertConfig: hidenDim: unknown option; did you mean hiddenDim\?$/,
    );
    expect(() => new BertConfig({ myProjectTag: 'x' } as object)).toThrow(
      'BertConfig: myProjectTag: unknown option; a key of your own goes in config.extra, which config.json keeps',
    );
    expect(() => AutoConfig.forModel('bert', { vocab_size: 10 })).toThrow(/here it is vocabSize$/);
  });

  it('takes every field and common option, and undefined values', () => {
    const config = new BertConfig({
      vocabSize: 100,
      hiddenSize: 32,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      intermediateSize: 64,
      numLabels: 3,
      problemType: null,
      nameOrPath: 'x',
      classifierDropout: undefined,
    });
    expect([config.hiddenSize, config.numLabels, config.nameOrPath]).toEqual([32, 3, 'x']);
    expect(new DistilBertConfig({ dim: 64, nHeads: 2, hiddenDim: 128, padTokenId: 0 }).dim).toBe(64);
  });

  it("takes BERT's names of DistilBERT's fields, as Python's attribute_map does", () => {
    const config = new DistilBertConfig({
      hiddenSize: 64,
      numAttentionHeads: 4,
      numHiddenLayers: 2,
      dim: 64,
    });
    expect([config.dim, config.nHeads, config.nLayers]).toEqual([64, 4, 2]);
    expect(config.toDict()).not.toHaveProperty('hidden_size');
    expect(() => new DistilBertConfig({ hiddenSize: 64, dim: 128 })).toThrow(
      'DistilBertConfig: hiddenSize (64) and dim (128) are one field; give one of them',
    );
  });
});
