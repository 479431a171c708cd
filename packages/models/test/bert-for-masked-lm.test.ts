// BertForMaskedLM: transformers' parameter names, the loss against a hand computation, tied decoder,
// and checkpoints that BertForTokenClassification reads as from_pretrained does.
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDirs } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AutoModelForTokenClassification,
  BertConfig,
  BertForMaskedLM,
  BertForTokenClassification,
  modelClassByName,
  parseSafetensors,
  serializeSafetensors,
} from '../src/index.js';

const VOCAB = 11;
const HIDDEN = 4;

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(removeTempDirs);

function tinyConfig(): BertConfig {
  return new BertConfig({
    vocabSize: VOCAB,
    hiddenSize: HIDDEN,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 8,
    maxPositionEmbeddings: 16,
  });
}

/** A model whose weights (biases and LayerNorms included) are all random, so no term is trivially 0 or 1. */
function randomModel(seed = 3): BertForMaskedLM {
  const model = BertForMaskedLM.fromConfig(tinyConfig(), { seed });
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  for (const [, variable] of model.namedParameters()) {
    variable.assign(tf.tensor(Array.from({ length: variable.size }, next), variable.shape));
  }
  return model;
}

/** A {@link randomModel} saved into a fresh temp folder (removed after the file's tests). */
async function savedRandomModel(): Promise<{ model: BertForMaskedLM; dir: string }> {
  const model = randomModel();
  const dir = makeTempDir('ner-models-mlm-');
  await model.savePretrained(dir);
  return { model, dir };
}

const batch = {
  input_ids: [
    [2, 5, 7, 9, 3],
    [2, 6, 4, 3, 0],
  ],
  attention_mask: [
    [1, 1, 1, 1, 1],
    [1, 1, 1, 1, 0],
  ],
  labels: [
    [-100, 8, -100, 1, -100],
    [-100, -100, 10, -100, -100],
  ],
};

/** erf by Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7), for the exact GELU. */
function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}

/** The masked-LM loss computed by hand from the last hidden states and the head's weights. */
function handLoss(model: BertForMaskedLM, hidden: number[][][]): number {
  const p = (name: string) => Array.from(model.parameters.get(name)!.dataSync());
  const denseW = p('cls.predictions.transform.dense.weight');
  const denseB = p('cls.predictions.transform.dense.bias');
  const normW = p('cls.predictions.transform.LayerNorm.weight');
  const normB = p('cls.predictions.transform.LayerNorm.bias');
  const words = p('bert.embeddings.word_embeddings.weight');
  const bias = p('cls.predictions.bias');
  let total = 0;
  let count = 0;
  for (const [b, row] of batch.labels.entries()) {
    for (const [t, label] of row.entries()) {
      if (label === -100) continue;
      const h = hidden[b]![t]!;
      const dense = denseB.map((bj, j) => bj + h.reduce((s, hk, k) => s + hk * denseW[j * HIDDEN + k]!, 0));
      const act = dense.map((x) => 0.5 * x * (1 + erf(x / Math.SQRT2)));
      const mean = act.reduce((s, x) => s + x, 0) / HIDDEN;
      const variance = act.reduce((s, x) => s + (x - mean) ** 2, 0) / HIDDEN;
      const normed = act.map((x, j) => ((x - mean) / Math.sqrt(variance + 1e-12)) * normW[j]! + normB[j]!);
      const logits = bias.map((bv, v) => bv + normed.reduce((s, x, j) => s + x * words[v * HIDDEN + j]!, 0));
      const max = Math.max(...logits);
      const logSum = max + Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0));
      total += logSum - logits[label]!;
      count++;
    }
  }
  return total / count;
}

describe('BertForMaskedLM', () => {
  it('has transformers parameter names in named_parameters() order, no pooler and no decoder weight', () => {
    const model = BertForMaskedLM.fromConfig(tinyConfig());
    const names = model.namedParameters().map(([name]) => name);
    expect(names.slice(0, 5)).toEqual([
      'bert.embeddings.word_embeddings.weight',
      'bert.embeddings.position_embeddings.weight',
      'bert.embeddings.token_type_embeddings.weight',
      'bert.embeddings.LayerNorm.weight',
      'bert.embeddings.LayerNorm.bias',
    ]);
    expect(names.slice(-5)).toEqual([
      'cls.predictions.bias',
      'cls.predictions.transform.dense.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.LayerNorm.bias',
    ]);
    expect(names.some((name) => name.includes('pooler') || name.includes('decoder'))).toBe(false);
    expect(model.decayParameterNames()).not.toContain('cls.predictions.bias');
    expect(modelClassByName('BertForMaskedLM')).toBe(BertForMaskedLM);
    model.dispose();
  });

  it('computes the mean cross-entropy over masked tokens as a hand computation does', () => {
    const model = randomModel();
    const output = model.forward(batch, { outputHiddenStates: true });
    expect(output.logits.shape).toEqual([2, 5, VOCAB]);
    const hidden = output.hiddenStates!.at(-1)!.arraySync() as number[][][];
    const expected = handLoss(model, hidden);
    expect(expected).toBeGreaterThan(0.5);
    expect(output.loss!.dataSync()[0]).toBeCloseTo(expected, 5);
    // The training path computes logits at the masked positions only: the same loss.
    const loss = model.computeLoss(batch);
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([output.logits, output.loss!, ...output.hiddenStates!, loss]);
    model.dispose();
  });

  it('ties the decoder to the word embeddings: changing the table changes the logits, gradients reach it', () => {
    const model = randomModel();
    const before = model.forward(batch);
    const words = model.parameters.get('bert.embeddings.word_embeddings.weight')!;
    const bias = model.parameters.get('cls.predictions.bias')!;
    const { loss, grads } = model.computeGradients(batch);
    expect([...grads.keys()].some((name) => name.includes('decoder'))).toBe(false);
    // Id 1 is a label but never an input: its embedding row gets gradient only through the decoder.
    const wordGrad = grads.get('bert.embeddings.word_embeddings.weight')!.arraySync() as number[][];
    expect(Math.max(...wordGrad[1]!.map(Math.abs))).toBeGreaterThan(1e-4);
    expect(grads.get('cls.predictions.bias')!.shape).toEqual([VOCAB]);
    words.assign(tf.add(words, tf.onesLike(words)));
    const after = model.forward(batch);
    expect(tf.max(tf.abs(tf.sub(after.logits, before.logits))).dataSync()[0]).toBeGreaterThan(0.01);
    expect(bias.shape).toEqual([VOCAB]);
    tf.dispose([before.logits, after.logits, loss, ...grads.values()]);
    model.dispose();
  });

  it('keeps the tensor count flat across training steps', () => {
    const model = randomModel();
    const step = () => {
      const { loss, grads } = model.computeGradients(batch, { training: true });
      tf.dispose([loss, ...grads.values()]);
    };
    step();
    const count = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(count);
    model.dispose();
  });

  it('gives a loss of 0 with zero gradients when nothing is masked', () => {
    const model = randomModel();
    const unmasked = { ...batch, labels: batch.labels.map((row) => row.map(() => -100)) };
    const { loss, grads } = model.computeGradients(unmasked);
    expect(loss.dataSync()[0]).toBe(0);
    for (const grad of grads.values()) expect(tf.max(tf.abs(grad)).dataSync()[0]).toBe(0);
    tf.dispose([loss, ...grads.values()]);
    model.dispose();
  });

  it('saves as Python does and reloads as BertForMaskedLM with the same logits', async () => {
    const { model, dir } = await savedRandomModel();
    const keys = [...parseSafetensors(readFileSync(join(dir, 'model.safetensors'))).tensors.keys()];
    expect(keys.filter((key) => key.startsWith('cls.')).sort()).toEqual([
      'cls.predictions.bias',
      'cls.predictions.transform.LayerNorm.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.dense.weight',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).architectures).toEqual([
      'BertForMaskedLM',
    ]);
    const reloaded = await BertForMaskedLM.fromPretrained(dir);
    expect(reloaded.loadingInfo).toMatchObject({ missingKeys: [], unexpectedKeys: [], mismatchedKeys: [] });
    const a = model.forward(batch);
    const b = reloaded.forward(batch);
    expect(Array.from(b.logits.dataSync())).toEqual(Array.from(a.logits.dataSync()));
    tf.dispose([a.logits, b.logits]);
    model.dispose();
    reloaded.dispose();
  });

  it('loads into BertForTokenClassification: encoder reused, cls.* unused, classifier new', async () => {
    const { model, dir } = await savedRandomModel();
    const warnings: string[] = [];
    const infos: string[] = [];
    const logger = {
      warn: (message: string) => warnings.push(message),
      info: (message: string) => infos.push(message),
    };
    const tagger = await BertForTokenClassification.fromPretrained(dir, { numLabels: 3, logger });
    expect(tagger.loadingInfo!.missingKeys).toEqual(['classifier.bias', 'classifier.weight']);
    expect(tagger.loadingInfo!.unexpectedKeys.sort()).toEqual([
      'cls.predictions.bias',
      'cls.predictions.transform.LayerNorm.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.dense.weight',
    ]);
    expect(warnings.join('\n')).toContain('newly initialized');
    for (const [name, variable] of tagger.namedParameters()) {
      if (name.startsWith('classifier.')) continue;
      expect(Array.from(variable.dataSync()), name).toEqual(
        Array.from(model.parameters.get(name)!.dataSync()),
      );
    }
    const auto = await AutoModelForTokenClassification.fromPretrained(dir, { numLabels: 3, logger });
    expect(auto).toBeInstanceOf(BertForTokenClassification);
    tagger.dispose();
    auto.dispose();
    model.dispose();
  });

  it('ignores the tied decoder copies an older Python checkpoint stores', async () => {
    const { model, dir } = await savedRandomModel();
    const state = model.stateDict();
    state.set('cls.predictions.decoder.weight', state.get('bert.embeddings.word_embeddings.weight')!);
    state.set('cls.predictions.decoder.bias', state.get('cls.predictions.bias')!);
    writeFileSync(join(dir, 'model.safetensors'), serializeSafetensors(state));
    const reloaded = await BertForMaskedLM.fromPretrained(dir);
    expect(reloaded.loadingInfo).toMatchObject({ missingKeys: [], unexpectedKeys: [] });
    reloaded.dispose();
    model.dispose();
  });
});
