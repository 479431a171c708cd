// savePretrained / fromPretrained: byte-exact round trip, key mapping, Python's messages, error cases.
import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AutoModel,
  AutoModelForSequenceClassification,
  AutoModelForTokenClassification,
  BertForTokenClassification,
  CheckpointError,
  ConfigError,
  DistilBertConfig,
  DistilBertForSequenceClassification,
  entryToFloat32,
  parseSafetensors,
  serializeSafetensors,
} from '../src/index.js';
import { modelDir, readInputs } from './oracle.js';

const quiet = { warn: () => {} };
let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = fs.mkdtempSync(join(tmpdir(), 'ner-models-'));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function tokenBatch(name: string) {
  const inputs = readInputs(name);
  return {
    input_ids: inputs.input_ids,
    attention_mask: inputs.attention_mask,
    token_type_ids: inputs.token_type_ids ?? null,
  };
}

describe('savePretrained', () => {
  it.each([
    'bert-token-cls',
    'distilbert-token-cls',
    'bert-seq-cls',
    'bert-seq-regression',
    'bert-seq-multilabel',
  ])(
    '%s: writes model.safetensors byte-identical to Python and a config.json Python would write',
    async (name) => {
      const auto = name.includes('token')
        ? AutoModelForTokenClassification
        : AutoModelForSequenceClassification;
      const model = await auto.fromPretrained(modelDir(name));
      const dir = join(root, `saved-${name}`);
      await model.savePretrained(dir);
      expect(fs.readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors']);
      const original = fs.readFileSync(join(modelDir(name), 'model.safetensors'));
      expect(Buffer.compare(fs.readFileSync(join(dir, 'model.safetensors')), original)).toBe(0);
      // Python's save after from_pretrained adds `_name_or_path`; everything else is unchanged.
      const saved = JSON.parse(fs.readFileSync(join(dir, 'config.json'), 'utf8'));
      const expected = JSON.parse(fs.readFileSync(join(modelDir(name), 'config.json'), 'utf8'));
      expect(saved).toEqual({ ...expected, _name_or_path: modelDir(name) });

      const reloaded = await auto.fromPretrained(dir);
      expect(reloaded.loadingInfo).toMatchObject({ missingKeys: [], unexpectedKeys: [], mismatchedKeys: [] });
      const batch = tokenBatch(name);
      const a = model.forward(batch).logits;
      const b = reloaded.forward(batch).logits;
      expect([...b.dataSync()]).toEqual([...a.dataSync()]);
      tf.dispose([a, b]);
      model.dispose();
      reloaded.dispose();
    },
  );

  it('keeps other files of an existing folder and leaves no temporary files', async () => {
    const model = await BertForTokenClassification.fromPretrained(modelDir('bert-token-cls'));
    const dir = join(root, 'existing');
    fs.mkdirSync(dir);
    fs.writeFileSync(join(dir, 'tokenizer.json'), '{}');
    fs.writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), 'stale');
    await model.savePretrained(dir);
    await model.savePretrained(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    expect(fs.readdirSync(root).filter((name) => name.includes('.tmp-'))).toEqual([]);
    model.dispose();
  });

  it('a from-scratch DistilBertForSequenceClassification round-trips with identical logits', async () => {
    const config = new DistilBertConfig({
      vocabSize: 50,
      dim: 16,
      nHeads: 2,
      nLayers: 1,
      hiddenDim: 24,
      maxPositionEmbeddings: 16,
      numLabels: 3,
    });
    const model = new DistilBertForSequenceClassification(config, { seed: 7 });
    const dir = join(root, 'distil-seq');
    await model.savePretrained(dir);
    const keys = [...parseSafetensors(fs.readFileSync(join(dir, 'model.safetensors'))).tensors.keys()];
    expect(keys).toContain('pre_classifier.weight');
    expect(keys).toContain('distilbert.transformer.layer.0.ffn.lin1.weight');
    const reloaded = await AutoModelForSequenceClassification.fromPretrained(dir);
    expect(reloaded).toBeInstanceOf(DistilBertForSequenceClassification);
    const batch = { input_ids: [[2, 7, 9, 3]], attention_mask: [[1, 1, 1, 1]] };
    const a = model.forward(batch).logits;
    const b = reloaded.forward(batch).logits;
    expect(a.shape).toEqual([1, 3]);
    expect([...b.dataSync()]).toEqual([...a.dataSync()]);
    tf.dispose([a, b]);
    model.dispose();
    reloaded.dispose();
  });
});

describe('fromPretrained key mapping and messages', () => {
  it('loads a bare base checkpoint into a head and reports the new head like Python', async () => {
    const base = await AutoModel.fromPretrained(modelDir('bert-token-cls'), { logger: quiet });
    // BertModel has a pooler the token checkpoint lacks, and no classifier.
    expect(base.loadingInfo!.missingKeys).toEqual(['bert.pooler.dense.bias', 'bert.pooler.dense.weight']);
    expect(base.loadingInfo!.unexpectedKeys).toEqual(['classifier.bias', 'classifier.weight']);
    const dir = join(root, 'bare-base');
    await base.savePretrained(dir);
    const savedKeys = [...parseSafetensors(fs.readFileSync(join(dir, 'model.safetensors'))).tensors.keys()];
    expect(savedKeys.every((key) => !key.startsWith('bert.'))).toBe(true);

    const warnings: string[] = [];
    const head = await AutoModelForTokenClassification.fromPretrained(dir, {
      id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER' },
      logger: { warn: (message) => warnings.push(message) },
    });
    expect(head.loadingInfo!.missingKeys).toEqual(['classifier.bias', 'classifier.weight']);
    expect(head.loadingInfo!.unexpectedKeys).toEqual(['pooler.dense.bias', 'pooler.dense.weight']);
    expect(warnings).toEqual([
      `Some weights of BertForTokenClassification were not initialized from the model checkpoint at ${dir} and are newly initialized: ['classifier.bias', 'classifier.weight']\nYou should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.`,
    ]);
    // The unexpected pooler is logged at info level: the checkpoint's architectures is BertModel.
    expect(head.loadingInfo!.infos[0]).toMatch(
      /^Some weights of the model checkpoint at .* were not used when initializing BertForTokenClassification: \['pooler.dense.bias', 'pooler.dense.weight'\]\n- This IS expected/,
    );
    const original = parseSafetensors(fs.readFileSync(join(modelDir('bert-token-cls'), 'model.safetensors')));
    const entry = original.tensors.get('bert.encoder.layer.1.output.dense.weight')!;
    expect([...head.parameters.get('bert.encoder.layer.1.output.dense.weight')!.dataSync()]).toEqual([
      ...entryToFloat32(entry, 'x'),
    ]);
    // The new head: normal(0, 0.02) weights, zero bias.
    expect([...head.parameters.get('classifier.bias')!.dataSync()]).toEqual([0, 0, 0]);
    const weights = head.parameters.get('classifier.weight')!.dataSync();
    const std = Math.sqrt(Array.from(weights).reduce((sum, w) => sum + w * w, 0) / weights.length);
    expect(std).toBeGreaterThan(0.01);
    expect(std).toBeLessThan(0.03);
    base.dispose();
    head.dispose();
  });

  it('maps legacy gamma/beta LayerNorm names', async () => {
    const dir = join(root, 'legacy');
    fs.mkdirSync(dir);
    fs.copyFileSync(join(modelDir('bert-token-cls'), 'config.json'), join(dir, 'config.json'));
    const file = parseSafetensors(fs.readFileSync(join(modelDir('bert-token-cls'), 'model.safetensors')));
    const renamed = new Map(
      [...file.tensors].map(([name, entry]) => [
        name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'),
        { shape: entry.shape, data: entryToFloat32(entry, name) },
      ]),
    );
    expect([...renamed.keys()]).toContain('bert.embeddings.LayerNorm.gamma');
    fs.writeFileSync(join(dir, 'model.safetensors'), serializeSafetensors(renamed));
    const model = await BertForTokenClassification.fromPretrained(dir);
    expect(model.loadingInfo).toMatchObject({ missingKeys: [], unexpectedKeys: [] });
    const gamma = renamed.get('bert.embeddings.LayerNorm.gamma')!;
    expect([...model.parameters.get('bert.embeddings.LayerNorm.weight')!.dataSync()]).toEqual([
      ...gamma.data,
    ]);
    model.dispose();
  });

  it('a head of another size is an error unless ignoreMismatchedSizes', async () => {
    const id2label = { 0: 'O', 1: 'B-X', 2: 'I-X' };
    await expect(
      AutoModelForTokenClassification.fromPretrained(modelDir('bert-token-cls'), { id2label }),
    ).rejects.toThrow(
      'Error(s) in loading state_dict for BertForTokenClassification:\n\tsize mismatch for classifier.weight: copying a param with shape torch.Size([5, 32]) from checkpoint, the shape in current model is torch.Size([3, 32]).',
    );
    const warnings: string[] = [];
    const model = await AutoModelForTokenClassification.fromPretrained(modelDir('bert-token-cls'), {
      id2label,
      ignoreMismatchedSizes: true,
      logger: { warn: (message) => warnings.push(message) },
    });
    expect(model.loadingInfo!.mismatchedKeys).toEqual([
      ['classifier.bias', [5], [3]],
      ['classifier.weight', [5, 32], [3, 32]],
    ]);
    expect(warnings).toEqual([
      `Some weights of BertForTokenClassification were not initialized from the model checkpoint at ${modelDir('bert-token-cls')} and are newly initialized because the shapes did not match:\n- classifier.bias: found shape torch.Size([5]) in the checkpoint and torch.Size([3]) in the model instantiated\n- classifier.weight: found shape torch.Size([5, 32]) in the checkpoint and torch.Size([3, 32]) in the model instantiated\nYou should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.`,
    ]);
    expect(model.config.id2label).toEqual(id2label);
    expect([...model.parameters.get('classifier.bias')!.dataSync()]).toEqual([0, 0, 0]);
    model.dispose();
  });

  it('explains how to convert a folder that only has pytorch_model.bin', async () => {
    const dir = join(root, 'bin-only');
    fs.mkdirSync(dir);
    fs.copyFileSync(join(modelDir('bert-token-cls'), 'config.json'), join(dir, 'config.json'));
    fs.writeFileSync(join(dir, 'pytorch_model.bin'), 'not really a pickle');
    const attempt = AutoModelForTokenClassification.fromPretrained(dir);
    await expect(attempt).rejects.toThrow(CheckpointError);
    await expect(AutoModelForTokenClassification.fromPretrained(dir)).rejects.toThrow(
      /has pytorch_model\.bin but no model\.safetensors.*save_pretrained\(path, safe_serialization=True\)/,
    );
  });

  it('clear errors for a missing folder, a corrupted weight file and a wrong model type', async () => {
    await expect(AutoModelForTokenClassification.fromPretrained(join(root, 'nope'))).rejects.toThrow(
      /does not exist/,
    );
    const dir = join(root, 'truncated');
    fs.mkdirSync(dir);
    fs.copyFileSync(join(modelDir('bert-token-cls'), 'config.json'), join(dir, 'config.json'));
    fs.writeFileSync(
      join(dir, 'model.safetensors'),
      fs.readFileSync(join(modelDir('bert-token-cls'), 'model.safetensors')).subarray(0, 5000),
    );
    await expect(AutoModelForTokenClassification.fromPretrained(dir)).rejects.toThrow(/truncated/);
    await expect(BertForTokenClassification.fromPretrained(modelDir('distilbert-token-cls'))).rejects.toThrow(
      ConfigError,
    );
  });
});

describe('Hub ids', () => {
  it('resolve through the injected resolver (the @ner/hub hook) like a local folder', async () => {
    const requested: string[] = [];
    const model = await AutoModelForTokenClassification.fromPretrained('org/tiny-bert', {
      resolveFile: async (repoId, filename) => {
        requested.push(`${repoId}:${filename}`);
        const path = join(modelDir('bert-token-cls'), filename);
        return ['config.json', 'model.safetensors'].includes(filename) ? path : null;
      },
    });
    expect(requested).toEqual(['org/tiny-bert:config.json', 'org/tiny-bert:model.safetensors']);
    expect(model.config.nameOrPath).toBe('org/tiny-bert');
    model.dispose();
  });
});
