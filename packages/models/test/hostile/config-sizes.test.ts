// Issue 14 item 5: sizes in config.json are bounded before anything is allocated, and errors name file and field.
import { describe, expect, it } from 'vitest';
import {
  AutoConfig,
  BertConfig,
  BertForTokenClassification,
  CheckpointError,
  ConfigError,
} from '../../src/index.js';
import { nextTensorId, useHostileSetup, tinyBertConfig, writeCheckpoint } from './hostile-fixtures.js';

const { folders, loadError } = useHostileSetup();

describe('config.json sizes are bounded before allocation (issue 14, item 5)', () => {
  it('num_hidden_layers 1e9 is a ConfigError naming the file and field, not an endless loop', async () => {
    const { error, file, tensorsMade, ms } = await loadError({ num_hidden_layers: 1e9 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "num_hidden_layers" = 1000000000 is out of range; expected an integer in [1, 1000].`,
    );
    expect(tensorsMade).toBe(0);
    expect(ms).toBeLessThan(2000);
  });

  it('n_layers 1e9 (DistilBERT) is a ConfigError naming the file and field', async () => {
    const { error, file, tensorsMade } = await loadError({ n_layers: 1e9 }, true);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "n_layers" = 1000000000 is out of range; expected an integer in [1, 1000].`,
    );
    expect(tensorsMade).toBe(0);
  });

  it('vocab_size 3e7 is refused before 3.8 GB are allocated', async () => {
    const { error, file, tensorsMade, ms } = await loadError({ vocab_size: 3e7 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "vocab_size" = 30000000 is out of range; expected an integer in [1, 16777216].`,
    );
    expect(tensorsMade).toBe(0);
    expect(ms).toBeLessThan(2000);
  });

  it('vocab_size 1e12 is a ConfigError, not an untyped RangeError', async () => {
    const { error, file } = await loadError({ vocab_size: 1e12 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`${file}: "vocab_size" = 1000000000000 is out of range`);
  });

  it('intermediate_size 1e10 is a ConfigError, not an untyped RangeError', async () => {
    const { error, file } = await loadError({ intermediate_size: 1e10 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "intermediate_size" = 10000000000 is out of range; expected an integer in [1, 262144].`,
    );
  });

  it('hidden_size -32 is a ConfigError, not an untyped RangeError', async () => {
    const { error, file } = await loadError({ hidden_size: -32 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "hidden_size" = -32 is out of range; expected an integer in [1, 65536].`,
    );
  });

  it('fields each within range but 1e12 weights together are refused by the total bound', async () => {
    // 16M-row vocabulary x 65536 wide: every field is legal, the product is not.
    const { error, file, tensorsMade } = await loadError({
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

  it('num_labels 1e9 (no id2label) is refused before creating a billion label names', async () => {
    const { error, file } = await loadError({ num_labels: 1e9, id2label: undefined, label2id: undefined });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "num_labels" = 1000000000 is out of range; expected an integer in [1, 1000000].`,
    );
  });

  it('AutoConfig.fromPretrained already refuses the hostile size', async () => {
    const dir = writeCheckpoint(folders, tinyBertConfig(), { num_hidden_layers: 1e9 });
    await expect(AutoConfig.fromPretrained(dir)).rejects.toThrow(ConfigError);
  });

  it('a config built in code gets the same bounds before the encoder allocates', () => {
    const before = nextTensorId();
    const config = new BertConfig({
      vocabSize: 100,
      hiddenSize: 8,
      numAttentionHeads: 2,
      numHiddenLayers: 1e9,
    });
    expect(() => new BertForTokenClassification(config)).toThrow(
      'config: "num_hidden_layers" = 1000000000 is out of range; expected an integer in [1, 1000].',
    );
    expect(nextTensorId() - before - 1).toBe(0);
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
    const { error, tensorsMade } = await loadError({ vocab_size: 1_000_000 });
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(
      'size mismatch for bert.embeddings.word_embeddings.weight: copying a param with shape torch.Size([100, 8]) ' +
        'from checkpoint, the shape in current model is torch.Size([1000000, 8]).',
    );
    expect(error.message).toContain('model.safetensors');
    expect(tensorsMade).toBe(0);
  });

  it('the same holds for DistilBERT', async () => {
    const { error, tensorsMade } = await loadError({ vocab_size: 1_000_000 }, true);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(
      'size mismatch for distilbert.embeddings.word_embeddings.weight: copying a param with shape ' +
        'torch.Size([100, 8]) from checkpoint, the shape in current model is torch.Size([1000000, 8]).',
    );
    expect(tensorsMade).toBe(0);
  });

  it('every mismatching tensor is listed in module order, still before allocation', async () => {
    const { error, tensorsMade } = await loadError({ vocab_size: 200, max_position_embeddings: 32 });
    expect(error).toBeInstanceOf(CheckpointError);
    const lines = error.message.split('\n').filter((line) => line.includes('size mismatch'));
    expect(lines.map((line) => line.match(/for (\S+):/)?.[1])).toEqual([
      'bert.embeddings.word_embeddings.weight',
      'bert.embeddings.position_embeddings.weight',
    ]);
    expect(tensorsMade).toBe(0);
  });
});
