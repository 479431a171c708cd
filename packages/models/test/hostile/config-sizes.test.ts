// Issue 14 item 5: sizes in config.json are bounded before anything is allocated, and errors name file and field.
import { describe, expect, it } from 'vitest';
import {
  AutoConfig,
  BertConfig,
  BertForTokenClassification,
  CheckpointError,
  ConfigError,
} from '../../src/index.js';
import * as hostile from './hostile-fixtures.js';

const setup = hostile.useHostileSetup();

describe('config.json sizes are bounded before allocation (issue 14, item 5)', () => {
  const sizeUpTo = hostile.integerIn;
  it.each<hostile.RefusedPatch>([
    ['num_hidden_layers 1e9: a ConfigError, not an endless loop', { num_hidden_layers: 1e9 }, sizeUpTo(1000)],
    [
      'n_layers 1e9 (DistilBERT): a ConfigError naming the file and field',
      { n_layers: 1e9 },
      sizeUpTo(1000),
      true,
    ],
    ['vocab_size 3e7: refused before 3.8 GB are allocated', { vocab_size: 3e7 }, sizeUpTo(2 ** 24)],
    ['vocab_size 1e12: a ConfigError, not an untyped RangeError', { vocab_size: 1e12 }, sizeUpTo(2 ** 24)],
    ['intermediate_size 1e10: not an untyped RangeError', { intermediate_size: 1e10 }, sizeUpTo(262_144)],
    ['hidden_size -32: a ConfigError, not an untyped RangeError', { hidden_size: -32 }, sizeUpTo(65_536)],
    [
      'num_labels 1e9 (no id2label): refused before creating a billion label names',
      { num_labels: 1e9, id2label: undefined, label2id: undefined },
      sizeUpTo(1_000_000),
    ],
  ])('%s', async (_title, patch, message, distil) => {
    const { ms } = await hostile.expectRefused(setup, patch, message, distil);
    expect(ms).toBeLessThan(2000);
  });

  it('fields each within range but 1e12 weights together are refused by the total bound', async () => {
    // 16M-row vocabulary x 65536 wide: every field is legal, the product is not.
    const { error, file, tensorsMade } = await setup.loadError({
      vocab_size: 2 ** 24,
      hidden_size: 65_536,
      num_attention_heads: 1,
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: a model with this config would have 1.121e+12 weights (4176.0 GiB as float32), above the limit ` +
        'of 2147483648 (vocab_size 16777216, hidden_size 65536, num_hidden_layers 1, intermediate_size 16, ' +
        'max_position_embeddings 16).',
    );
    expect(tensorsMade).toBe(0);
  });

  it('AutoConfig.fromPretrained already refuses the hostile size', async () => {
    const dir = hostile.writeCheckpoint(setup.folders, hostile.tinyBertConfig(), { num_hidden_layers: 1e9 });
    await expect(AutoConfig.fromPretrained(dir)).rejects.toThrow(ConfigError);
  });

  it('a config built in code gets the same bounds before the encoder allocates', () => {
    const before = hostile.nextTensorId();
    const config = new BertConfig({
      vocabSize: 100,
      hiddenSize: 8,
      numAttentionHeads: 2,
      numHiddenLayers: 1e9,
    });
    expect(() => new BertForTokenClassification(config)).toThrow(
      'config: "num_hidden_layers" = 1000000000 is out of range; expected an integer in [1, 1000].',
    );
    expect(hostile.nextTensorId() - before - 1).toBe(0);
  });

  it('bert-large and distilbert-base sizes are accepted', () => {
    const large = new BertConfig({
      vocabSize: 30_522,
      hiddenSize: 1024,
      numHiddenLayers: 24,
      numAttentionHeads: 16,
      intermediateSize: 4096,
    });
    expect(() => large.validate()).not.toThrow();
    const multilingual = new BertConfig({ vocabSize: 119_547 });
    expect(() => multilingual.validate()).not.toThrow();
  });
});

describe('checkpoint shapes are checked against the header before allocation (issue 14, item 5)', () => {
  it('config vocab_size 1e6 with a checkpoint of vocab 100 fails fast, naming tensor and shapes, allocating nothing', async () => {
    // 1e6 x 8 is within every bound (32 MB), but the checkpoint's embedding has 100 rows.
    const { error, tensorsMade } = await setup.loadError({ vocab_size: 1_000_000 });
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(
      'size mismatch for bert.embeddings.word_embeddings.weight: copying a param with shape torch.Size([100, 8]) ' +
        'from checkpoint, the shape in current model is torch.Size([1000000, 8]).',
    );
    expect(error.message).toContain('model.safetensors');
    expect(tensorsMade).toBe(0);
  });

  it('the same holds for DistilBERT', async () => {
    const { error, tensorsMade } = await setup.loadError({ vocab_size: 1_000_000 }, true);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(
      'size mismatch for distilbert.embeddings.word_embeddings.weight: copying a param with shape ' +
        'torch.Size([100, 8]) from checkpoint, the shape in current model is torch.Size([1000000, 8]).',
    );
    expect(tensorsMade).toBe(0);
  });

  it('every mismatching tensor is listed in module order, still before allocation', async () => {
    const { error, tensorsMade } = await setup.loadError({ vocab_size: 200, max_position_embeddings: 32 });
    expect(error).toBeInstanceOf(CheckpointError);
    const lines = error.message.split('\n').filter((line) => line.includes('size mismatch'));
    expect(lines.map((line) => line.match(/for (\S+):/)?.[1])).toEqual([
      'bert.embeddings.word_embeddings.weight',
      'bert.embeddings.position_embeddings.weight',
    ]);
    expect(tensorsMade).toBe(0);
  });
});
