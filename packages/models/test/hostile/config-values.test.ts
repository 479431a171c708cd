// Issue 14 item 9: config.json values that used to load and then give NaN or fail later are ConfigErrors
// naming the file and field.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AutoConfig, AutoModelForTokenClassification, ConfigError } from '../../src/index.js';
import {
  dropoutProbability,
  expectRefused,
  integerIn,
  type Refusal,
  type RefusedPatch,
  tinyBertConfig,
  useHostileSetup,
  writeCheckpoint,
} from './hostile-fixtures.js';

const setup = useHostileSetup();
const { folders, loadError } = setup;

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
  const outsideVocabulary: Refusal = (_field, value) =>
    `"pad_token_id" = ${value} is outside the vocabulary; expected an integer in [0, 99] (vocab_size = 100) or null.`;
  const gapMessage = (stray: number) =>
    `"id2label" must have the ids 0..2, one per label with none missing; missing 2, unexpected ${stray}.`;
  it.each<RefusedPatch>([
    // layer_norm_eps -1 gave NaN logits; 0 divides by zero on constant rows.
    [
      'layer_norm_eps -1',
      { layer_norm_eps: -1 },
      '"layer_norm_eps" = -1 is out of range; expected a number in (0, 1].',
    ],
    [
      'layer_norm_eps 0',
      { layer_norm_eps: 0 },
      '"layer_norm_eps" = 0 is out of range; expected a number in (0, 1].',
    ],
    ['hidden_dropout_prob 2', { hidden_dropout_prob: 2 }, dropoutProbability],
    ['attention_probs_dropout_prob -0.1', { attention_probs_dropout_prob: -0.1 }, dropoutProbability],
    // Inverted dropout would divide by zero.
    ['classifier_dropout 1', { classifier_dropout: 1 }, dropoutProbability],
    ['DistilBERT dropout 2', { dropout: 2 }, dropoutProbability, true],
    ['DistilBERT seq_classif_dropout 1.5', { seq_classif_dropout: 1.5 }, dropoutProbability, true],
    ['pad_token_id beyond the vocabulary', { pad_token_id: 100 }, outsideVocabulary],
    ['negative pad_token_id', { pad_token_id: -1 }, outsideVocabulary, true],
    ['num_hidden_layers -1', { num_hidden_layers: -1 }, integerIn(1000)],
    ['n_layers -1 (DistilBERT)', { n_layers: -1 }, integerIn(1000), true],
    [
      'id2label with a gap (0, 1, 3), at load and not when a model predicts class 2',
      { id2label: { 0: 'O', 1: 'B-PER', 3: 'I-PER' }, label2id: { O: 0, 'B-PER': 1, 'I-PER': 3 } },
      gapMessage(3),
    ],
    [
      'id2label with a negative id',
      { id2label: { '-1': 'O', 0: 'B-PER', 1: 'I-PER' }, label2id: undefined },
      gapMessage(-1),
    ],
    [
      'num_labels that contradicts id2label',
      { num_labels: 5 },
      '"num_labels" = 5 contradicts "id2label", which has 3 labels; remove num_labels or make the two agree.',
    ],
    [
      'hidden_size not divisible by num_attention_heads (names the file)',
      { num_attention_heads: 3 },
      'The hidden size (8) is not a multiple of the number of attention heads (3)',
    ],
    ['type_vocab_size 0', { type_vocab_size: 0 }, integerIn(65_536)],
  ])('%s is refused', async (_title, patch, message, distil) => {
    await expectRefused(setup, patch, message, distil);
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

  it('an unknown hidden_act names the file and field at load time', async () => {
    const { error, file } = await loadError({ hidden_act: 'gelu_fast_imaginary' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: "hidden_act": Activation "gelu_fast_imaginary" is not supported`,
      ),
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
