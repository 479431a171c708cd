// Issue 14 item 9: config.json values that used to load and then give NaN or fail later are ConfigErrors
// naming the file and field.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AutoConfig, AutoModelForTokenClassification, ConfigError } from '../../src/index.js';
import { useHostileSetup, tinyBertConfig, writeCheckpoint } from './hostile-fixtures.js';

const { folders, loadError } = useHostileSetup();

async function loadWithWarnings(
  patch: Record<string, unknown>,
): Promise<{ warnings: string[]; file: string; config: { id2label: Record<number, string> } }> {
  const dir = writeCheckpoint(folders, tinyBertConfig(), patch);
  const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    const model = await AutoModelForTokenClassification.fromPretrained(dir, { logger: { warn: () => {} } });
    const config = { id2label: { ...model.config.id2label } };
    model.dispose();
    const warnings = spy.mock.calls.map((call) => String(call[0]));
    return { warnings, file: join(dir, 'config.json'), config };
  } finally {
    spy.mockRestore();
  }
}

describe('config.json values that were accepted but wrong (issue 14, item 9)', () => {
  it('layer_norm_eps -1 (NaN logits) is refused', async () => {
    const { error, file } = await loadError({ layer_norm_eps: -1 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "layer_norm_eps" = -1 is out of range; expected a number in (0, 1].`,
    );
  });

  it('layer_norm_eps 0 is refused (division by zero on constant rows)', async () => {
    const { error, file } = await loadError({ layer_norm_eps: 0 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`${file}: "layer_norm_eps" = 0 is out of range`);
  });

  it('hidden_dropout_prob 2 is refused', async () => {
    const { error, file } = await loadError({ hidden_dropout_prob: 2 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "hidden_dropout_prob" = 2 is not a dropout probability; expected a number in [0, 1).`,
    );
  });

  it('attention_probs_dropout_prob -0.1 is refused', async () => {
    const { error, file } = await loadError({ attention_probs_dropout_prob: -0.1 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(
      `${file}: "attention_probs_dropout_prob" = -0.1 is not a dropout probability`,
    );
  });

  it('classifier_dropout 1 is refused (inverted dropout would divide by zero)', async () => {
    const { error, file } = await loadError({ classifier_dropout: 1 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`${file}: "classifier_dropout" = 1 is not a dropout probability`);
  });

  it('DistilBERT dropout 2 and seq_classif_dropout 1.5 are refused', async () => {
    const dropout = await loadError({ dropout: 2 }, true);
    expect(dropout.error).toBeInstanceOf(ConfigError);
    expect(dropout.error.message).toContain(`${dropout.file}: "dropout" = 2 is not a dropout probability`);
    const seq = await loadError({ seq_classif_dropout: 1.5 }, true);
    expect(seq.error).toBeInstanceOf(ConfigError);
    expect(seq.error.message).toContain(
      `${seq.file}: "seq_classif_dropout" = 1.5 is not a dropout probability`,
    );
  });

  it('pad_token_id beyond the vocabulary is refused', async () => {
    const { error, file } = await loadError({ pad_token_id: 100 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "pad_token_id" = 100 is outside the vocabulary; expected an integer in [0, 99] (vocab_size = 100) or null.`,
    );
  });

  it('negative pad_token_id is refused', async () => {
    const { error, file } = await loadError({ pad_token_id: -1 }, true);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`${file}: "pad_token_id" = -1 is outside the vocabulary`);
  });

  it('num_hidden_layers -1 is refused', async () => {
    const { error, file } = await loadError({ num_hidden_layers: -1 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "num_hidden_layers" = -1 is out of range; expected an integer in [1, 1000].`,
    );
  });

  it('n_layers -1 (DistilBERT) is refused', async () => {
    const { error, file } = await loadError({ n_layers: -1 }, true);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`${file}: "n_layers" = -1 is out of range; expected an integer in [1, 1000].`);
  });

  it('id2label with a gap (0, 1, 3) is refused at load, not when a model predicts class 2', async () => {
    const { error, file } = await loadError({
      id2label: { 0: 'O', 1: 'B-PER', 3: 'I-PER' },
      label2id: { O: 0, 'B-PER': 1, 'I-PER': 3 },
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "id2label" must have the ids 0..2, one per label with none missing; missing 2, unexpected 3.`,
    );
  });

  it('id2label with a negative id is refused', async () => {
    const { error, file } = await loadError({
      id2label: { '-1': 'O', 0: 'B-PER', 1: 'I-PER' },
      label2id: undefined,
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "id2label" must have the ids 0..2, one per label with none missing; missing 2, unexpected -1.`,
    );
  });

  it('label2id that disagrees with id2label loads with a warning naming the file (Python loads it too)', async () => {
    const { warnings, file, config } = await loadWithWarnings({ label2id: { O: 0, 'B-PER': 2, 'I-PER': 1 } });
    expect(config.id2label).toEqual({ 0: 'O', 1: 'B-PER', 2: 'I-PER' });
    expect(warnings).toEqual([
      `${file}: "label2id" maps "B-PER" to 2, but "id2label" names id 2 "I-PER"; predictions use id2label.`,
    ]);
  });

  it('label2id missing a label of id2label loads with a warning naming the file', async () => {
    const { warnings, file } = await loadWithWarnings({ label2id: { O: 0, 'B-PER': 1 } });
    expect(warnings).toEqual([
      `${file}: "label2id" has no entry for "I-PER" (id2label[2]); predictions use id2label.`,
    ]);
  });

  it('num_labels that contradicts id2label is refused', async () => {
    const { error, file } = await loadError({ num_labels: 5 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "num_labels" = 5 contradicts "id2label", which has 3 labels; remove num_labels or make the two agree.`,
    );
  });

  it('hidden_size not divisible by num_attention_heads names the file', async () => {
    const { error, file } = await loadError({ num_attention_heads: 3 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: The hidden size (8) is not a multiple of the number of attention heads (3)`,
    );
  });

  it('an unknown hidden_act names the file and field at load time', async () => {
    const { error, file } = await loadError({ hidden_act: 'gelu_fast_imaginary' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: "hidden_act": Activation "gelu_fast_imaginary" is not supported`,
      ),
    );
  });

  it('type_vocab_size 0 is refused', async () => {
    const { error, file } = await loadError({ type_vocab_size: 0 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: "type_vocab_size" = 0 is out of range; expected an integer in [1, 65536].`,
    );
  });

  it('the valid tiny checkpoint still loads (control)', async () => {
    const { error } = await loadError({});
    expect(error).toBeNull();
  });
});

describe('label options are checked like the file (issue 14, item 9)', () => {
  it('AutoConfig.fromPretrained refuses an id2label option with a gap', async () => {
    const dir = writeCheckpoint(folders, tinyBertConfig());
    const error = await AutoConfig.fromPretrained(dir, { id2label: { 0: 'O', 2: 'B-PER' } }).catch(
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `config.json of ${dir} with the given options: "id2label" must have the ids 0..1, one per label with none missing; missing 1, unexpected 2.`,
    );
  });
});
